using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// CIFAR-style VGG (configurations A, B, D of Simonyan and Zisserman: VGG11, VGG13, VGG16), with or
/// without BatchNorm: 3x3 conv (pad 1, with bias, as in torchvision) [+ BN] + ReLU stacks separated by
/// five 2x2 max-pools, then global average pooling and Linear(512, k), without the 4096-wide
/// fully connected layers of the ImageNet version.
/// </summary>
/// <remarks>
/// Any input side works: the max-pools use ceil mode, so a map of odd side keeps its last row and
/// column and a 1x1 map passes through a pool unchanged (the window holds one element). On a 32x32
/// image every map side is even and the network is exactly the usual CIFAR VGG (32 -> 1 after five
/// pools); on an 8x8 tile the last two pools see a 1x1 map and do nothing. Ceil mode was chosen over
/// skipping pools at run time because the module stays a fixed graph and odd sides (28, 12, 24) keep
/// their border. Init as torchvision: convs Kaiming-normal (fan_out, relu) with zero bias, BN 1 and 0,
/// the linear head N(0, 0.01) with zero bias.
/// </remarks>
public sealed class Vgg : Module<Tensor, Tensor>, ISpatialClassifier
{
    private const int Pool = 0;

    // Channel widths, with Pool (0) marking a 2x2 max-pool.
    private static readonly int[] Vgg11Layers = [64, Pool, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool];
    private static readonly int[] Vgg13Layers = [64, 64, Pool, 128, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool];
    private static readonly int[] Vgg16Layers = [64, 64, Pool, 128, 128, Pool, 256, 256, 256, Pool, 512, 512, 512, Pool, 512, 512, 512, Pool];

    private readonly Sequential features;
    private readonly Linear head;

    public static Vgg Vgg11(int classes, int channels = 3, bool batchNorm = false) => new(Vgg11Layers, "vgg11", classes, channels, batchNorm);

    public static Vgg Vgg13(int classes, int channels = 3, bool batchNorm = false) => new(Vgg13Layers, "vgg13", classes, channels, batchNorm);

    public static Vgg Vgg16(int classes, int channels = 3, bool batchNorm = false) => new(Vgg16Layers, "vgg16", classes, channels, batchNorm);

    private Vgg(int[] configuration, string name, int classes, int channels, bool batchNorm)
        : base(batchNorm ? name + "bn" : name)
    {
        var layers = new List<Module<Tensor, Tensor>>();
        var geometry = new List<(int, int)>();
        var cin = channels;
        foreach (var width in configuration)
        {
            if (width == Pool)
            {
                layers.Add(MaxPool2d(2, stride: 2, ceil_mode: true));
                geometry.Add((2, 2));
                continue;
            }
            layers.Add(Conv2d(cin, width, 3, padding: 1));
            if (batchNorm) layers.Add(BatchNorm2d(width));
            layers.Add(ReLU(inplace: true));
            geometry.Add((3, 1));
            cin = width;
        }
        features = Sequential(layers);
        head = Linear(cin, classes);
        ReceptiveField = Models.ReceptiveField.Of(geometry);
        RegisterComponents();
        TorchvisionInit.Apply(this, linearLayers: true);
    }

    /// <summary>Theoretical field of one position of the final map (VGG16: 212 pixels).</summary>
    public int ReceptiveField { get; }

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var pooled = f.mean([2, 3]);
        return head.call(pooled);
    }

    public Tensor SpatialLogits(Tensor x)
    {
        using var f = features.call(x);
        using var perPosition = f.permute(0, 2, 3, 1);
        using var logits = head.call(perPosition);
        return logits.permute(0, 3, 1, 2).contiguous();
    }
}
