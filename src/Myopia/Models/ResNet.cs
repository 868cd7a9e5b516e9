using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// The "ResNet18" / "ResNet34" of the tile-training study (models/resnet_cifar.py in the authors'
/// code): torchvision's ResNet with a 7x7 stride-1 stem (pad 3, no bias) and no max-pool, BasicBlock
/// stages of widths 64/128/256/512 and strides 1/2/2/2, global average pooling and Linear(512, k).
/// Convs are Kaiming-normal (fan_out, relu), BN weight 1 and bias 0, the Linear keeps its default
/// init, BN momentum 0.1. ResNet18 has 11,181,642 parameters for 10 classes on RGB.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>, ISpatialClassifier
{
    private static readonly int[] Widths = [64, 128, 256, 512];
    private static readonly int[] Strides = [1, 2, 2, 2];

    private readonly Sequential stem;
    private readonly Sequential stages;
    private readonly Linear head;

    public static ResNet ResNet18(int classes, int channels = 3) => new("resnet18", [2, 2, 2, 2], classes, channels);

    public static ResNet ResNet34(int classes, int channels = 3) => new("resnet34", [3, 4, 6, 3], classes, channels);

    private ResNet(string name, int[] blocksPerStage, int classes, int channels) : base(name)
    {
        stem = Sequential(
            Conv2d(channels, 64, 7, stride: 1, padding: 3, bias: false),
            BatchNorm2d(64),
            ReLU(inplace: true));
        var layers = new List<(int, int)> { (7, 1) };
        var blocks = new List<Module<Tensor, Tensor>>();
        var cin = 64;
        for (var stage = 0; stage < Widths.Length; stage++)
        {
            for (var b = 0; b < blocksPerStage[stage]; b++)
            {
                var stride = b == 0 ? Strides[stage] : 1;
                blocks.Add(new BasicBlock(cin, Widths[stage], stride));
                layers.AddRange(BasicBlock.MainPath(stride));
                cin = Widths[stage];
            }
        }
        stages = Sequential(blocks);
        head = Linear(cin, classes);
        ReceptiveField = Models.ReceptiveField.Of(layers);
        RegisterComponents();
        TorchvisionInit.Apply(this);
    }

    /// <summary>113 pixels for ResNet18, 229 for ResNet34: larger than a CIFAR image, so it is the
    /// effective, not the theoretical, field that tile training shrinks.</summary>
    public int ReceptiveField { get; }

    private Tensor Features(Tensor x)
    {
        using var s = stem.call(x);
        return stages.call(s);
    }

    public override Tensor forward(Tensor x)
    {
        using var f = Features(x);
        using var pooled = f.mean([2, 3]);
        return head.call(pooled);
    }

    public Tensor SpatialLogits(Tensor x)
    {
        using var f = Features(x);
        using var perPosition = f.permute(0, 2, 3, 1);
        using var logits = head.call(perPosition);
        return logits.permute(0, 3, 1, 2).contiguous();
    }
}
