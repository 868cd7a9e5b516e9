using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// CIFAR-style VGG11/13/16, with or without BatchNorm: torchvision's <c>features</c> (see
/// <see cref="VggFeatures"/>) with ceil-mode pools, then <c>avgpool</c> = AdaptiveAvgPool2d(1) and one
/// linear layer <c>classifier</c> (keys <c>classifier.weight</c>, <c>classifier.bias</c>, as in the
/// widespread kuangliu/pytorch-cifar VGG), without the 4096-wide layers of <see cref="VggImageNet"/>.
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
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear classifier;

    public static Vgg Vgg11(int classes, int channels = 3, bool batchNorm = false) => new(11, new ModelOptions(classes, channels), batchNorm);

    public static Vgg Vgg13(int classes, int channels = 3, bool batchNorm = false) => new(13, new ModelOptions(classes, channels), batchNorm);

    public static Vgg Vgg16(int classes, int channels = 3, bool batchNorm = false) => new(16, new ModelOptions(classes, channels), batchNorm);

    /// <param name="depth">11, 13 or 16.</param>
    public Vgg(int depth, ModelOptions options, bool batchNorm) : base($"vgg{depth}{(batchNorm ? "bn" : "")}")
    {
        var geometry = new List<(int, int)>();
        features = VggFeatures.Create(depth, options.Channels, batchNorm, ceilMode: true, options.Antialias, geometry);
        avgpool = AdaptiveAvgPool2d(1);
        classifier = Linear(VggFeatures.OutputChannels, options.Classes);
        ReceptiveField = Models.ReceptiveField.Of(geometry);
        RegisterComponents();
        TorchvisionInit.Apply(this, linearLayers: true);
    }

    /// <summary>Theoretical field of one position of the final map (VGG16: 212 pixels).</summary>
    public int ReceptiveField { get; }

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var pooled = avgpool.call(f);
        using var flat = pooled.flatten(1);
        return classifier.call(flat);
    }

    public Tensor SpatialLogits(Tensor x)
    {
        using var f = features.call(x);
        using var perPosition = f.permute(0, 2, 3, 1);
        using var logits = classifier.call(perPosition);
        return logits.permute(0, 3, 1, 2).contiguous();
    }
}
