using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// torchvision's ResNet-18/34 (BasicBlock) and ResNet-50 (Bottleneck v1.5), with torchvision's module
/// names and therefore its state-dict keys (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, ...,
/// <c>layer2.0.downsample.0</c>, <c>fc</c>) and its computation: a torchvision state dict gives the same
/// logits. The stem is an option: <see cref="Stem.Study"/> (default) is the tile-training study's 7x7
/// stride-1 conv without max-pool (models/resnet_cifar.py in the authors' code), <see cref="Stem.Cifar"/>
/// a 3x3 stride-1 conv without max-pool, <see cref="Stem.ImageNet"/> exactly torchvision's 7x7 stride-2
/// conv and MaxPool2d(3, 2, 1). Convs are Kaiming-normal (fan_out, relu), BN weight 1 and bias 0, the
/// Linear keeps its default init. ResNet18 has 11,181,642 parameters for 10 classes on RGB (any stem
/// with a 7x7 conv), 11,689,512 for 1000.
/// </summary>
/// <remarks>
/// Antialiased (Zhang 2019, <c>antialiased_cnns/resnet.py</c>): the stem conv is unchanged; the ImageNet
/// stem's max pool becomes MaxPool2d(2, stride 1) + BlurPool as in Zhang's code; each strided block
/// blurs after its stride-1 conv (see <see cref="BasicBlock"/>, <see cref="Bottleneck"/>), and its
/// shortcut becomes BlurPool → 1x1 conv (stride 1) → BN, with the blur a child named <c>blur</c> so that
/// the keys stay <c>downsample.0.*</c> and <c>downsample.1.*</c>.
/// </remarks>
public sealed class ResNet : Module<Tensor, Tensor>, ISpatialClassifier
{
    private static readonly int[] Widths = [64, 128, 256, 512];
    private static readonly int[] Strides = [1, 2, 2, 2];

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Module<Tensor, Tensor>? maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    private delegate Module<Tensor, Tensor> BlockFactory(long inplanes, long planes, long stride, Sequential? downsample, int antialias);

    public static ResNet ResNet18(int classes, int channels = 3) => ResNet18(new ModelOptions(classes, channels));

    public static ResNet ResNet34(int classes, int channels = 3) => ResNet34(new ModelOptions(classes, channels));

    public static ResNet ResNet18(ModelOptions options) =>
        new("resnet18", [2, 2, 2, 2], BasicBlock.Expansion, (i, p, s, d, a) => new BasicBlock(i, p, s, d, a), BasicBlock.MainPath, options);

    public static ResNet ResNet34(ModelOptions options) =>
        new("resnet34", [3, 4, 6, 3], BasicBlock.Expansion, (i, p, s, d, a) => new BasicBlock(i, p, s, d, a), BasicBlock.MainPath, options);

    public static ResNet ResNet50(ModelOptions options) =>
        new("resnet50", [3, 4, 6, 3], Bottleneck.Expansion, (i, p, s, d, a) => new Bottleneck(i, p, s, d, a), Bottleneck.MainPath, options);

    private ResNet(string name, int[] blocksPerStage, int expansion, BlockFactory block,
        Func<int, int, IEnumerable<(int, int)>> mainPath, ModelOptions options) : base(name)
    {
        var stem = options.Stem ?? Stem.Study;
        var antialias = options.Antialias;
        var geometry = new List<(int, int)>();
        (conv1, maxpool) = stem switch
        {
            Stem.Study => (Conv2d(options.Channels, 64, 7, stride: 1, padding: 3, bias: false), null),
            Stem.Cifar => (Conv2d(options.Channels, 64, 3, stride: 1, padding: 1, bias: false), null),
            _ => (Conv2d(options.Channels, 64, 7, stride: 2, padding: 3, bias: false),
                antialias > 0 ? new MaxBlurPool(64, antialias) : (Module<Tensor, Tensor>)MaxPool2d(3, stride: 2, padding: 1)),
        };
        geometry.Add(stem == Stem.Cifar ? (3, 1) : (7, stem == Stem.ImageNet ? 2 : 1));
        if (stem == Stem.ImageNet) geometry.AddRange(antialias > 0 ? [(2, 1), (antialias, 2)] : [(3, 2)]);
        bn1 = BatchNorm2d(64);
        relu = ReLU(inplace: true);

        long inplanes = 64;
        var layers = new Sequential[Widths.Length];
        for (var stage = 0; stage < Widths.Length; stage++)
        {
            var blocks = new List<Module<Tensor, Tensor>>();
            for (var b = 0; b < blocksPerStage[stage]; b++)
            {
                var stride = b == 0 ? Strides[stage] : 1;
                var planes = Widths[stage];
                var downsample = stride != 1 || inplanes != planes * expansion
                    ? Downsample(inplanes, planes * expansion, stride, antialias)
                    : null;
                blocks.Add(block(inplanes, planes, stride, downsample, antialias));
                geometry.AddRange(mainPath(stride, antialias));
                inplanes = planes * expansion;
            }
            layers[stage] = Sequential(blocks);
        }
        (layer1, layer2, layer3, layer4) = (layers[0], layers[1], layers[2], layers[3]);
        avgpool = AdaptiveAvgPool2d(1);
        fc = Linear(inplanes, options.Classes);
        ReceptiveField = Models.ReceptiveField.Of(geometry);
        RegisterComponents();
        TorchvisionInit.Apply(this);
    }

    /// <summary>torchvision's shortcut projection (1x1 conv with the block's stride, BN); antialiased,
    /// BlurPool first and the conv at stride 1.</summary>
    private static Sequential Downsample(long inplanes, long outplanes, long stride, int antialias) =>
        stride != 1 && antialias > 0
            ? Sequential(
                ("blur", new BlurPool(inplanes, antialias)),
                ("0", Conv2d(inplanes, outplanes, 1, stride: 1, bias: false)),
                ("1", BatchNorm2d(outplanes)))
            : Sequential(Conv2d(inplanes, outplanes, 1, stride: stride, bias: false), BatchNorm2d(outplanes));

    /// <summary>Study stem: 113 pixels for ResNet18, 229 for ResNet34; larger than a CIFAR image, so it is
    /// the effective, not the theoretical, field that tile training shrinks.</summary>
    public int ReceptiveField { get; }

    private Tensor Features(Tensor x)
    {
        using var c = conv1.call(x);
        using var b = bn1.call(c);
        using var r = relu.call(b);
        using var p = maxpool is null ? r.alias() : maxpool.call(r);
        using var l1 = layer1.call(p);
        using var l2 = layer2.call(l1);
        using var l3 = layer3.call(l2);
        return layer4.call(l3);
    }

    public override Tensor forward(Tensor x)
    {
        using var f = Features(x);
        using var pooled = avgpool.call(f);
        using var flat = pooled.flatten(1);
        return fc.call(flat);
    }

    public Tensor SpatialLogits(Tensor x)
    {
        using var f = Features(x);
        using var perPosition = f.permute(0, 2, 3, 1);
        using var logits = fc.call(perPosition);
        return logits.permute(0, 3, 1, 2).contiguous();
    }
}
