using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// torchvision's ResNet Bottleneck, version 1.5 (the stride sits on the 3x3 conv2, not on conv1):
/// 1x1 conv1 to <c>planes</c> channels, 3x3 conv2, 1x1 conv3 to 4·planes (expansion 4), each followed by
/// BN, ReLU after bn1, bn2 and the sum with the shortcut. Field names are torchvision's.
/// </summary>
/// <remarks>
/// Antialiased (Zhang 2019), a strided block runs conv2 at stride 1, then BN, ReLU and a BlurPool
/// (child <c>blur</c>, no parameters) before conv3, keeping the key <c>conv3.weight</c>.
/// </remarks>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly BlurPool? blur;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Sequential? downsample;

    public Bottleneck(long inplanes, long planes, long stride, Sequential? downsample, int antialias) : base("Bottleneck")
    {
        var blurred = stride != 1 && antialias > 0;
        conv1 = Conv2d(inplanes, planes, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: blurred ? 1 : stride, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (blurred) blur = new BlurPool(planes, antialias);
        conv3 = Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = BatchNorm2d(planes * Expansion);
        relu = ReLU(inplace: true);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>The (kernel, stride) of the main path, for receptive-field arithmetic.</summary>
    public static IEnumerable<(int Kernel, int Stride)> MainPath(int stride, int antialias) =>
        stride != 1 && antialias > 0 ? [(1, 1), (3, 1), (antialias, stride), (1, 1)] : [(1, 1), (3, stride), (1, 1)];

    public override Tensor forward(Tensor x)
    {
        using var c1 = conv1.call(x);
        using var b1 = bn1.call(c1);
        using var r1 = relu.call(b1);
        using var c2 = conv2.call(r1);
        using var b2 = bn2.call(c2);
        using var r2 = relu.call(b2);
        using var blurred = blur is null ? r2.alias() : blur.call(r2);
        using var c3 = conv3.call(blurred);
        using var b3 = bn3.call(c3);
        using var identity = downsample is null ? x.alias() : downsample.call(x);
        using var sum = b3 + identity;
        return relu.call(sum);
    }
}
