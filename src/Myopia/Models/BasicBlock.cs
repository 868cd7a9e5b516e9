using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// torchvision's ResNet BasicBlock (expansion 1): relu(bn2(conv2(relu(bn1(conv1(x))))) + identity),
/// where identity is x or <c>downsample(x)</c> (1x1 conv + BN) when the shape changes. Field names are
/// torchvision's, so the state-dict keys are too.
/// </summary>
/// <remarks>
/// Antialiased (Zhang 2019), a strided block runs conv1 at stride 1, then BN, ReLU and a BlurPool
/// before conv2. The blur is a child of its own (<c>blur</c>, no parameters) rather than Zhang's
/// <c>conv2 = Sequential(blur, conv)</c>, so conv2 keeps the key <c>conv2.weight</c>.
/// </remarks>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly BlurPool? blur;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    /// <param name="downsample">The shortcut's projection, built by <see cref="ResNet"/>; null for the identity.</param>
    /// <param name="antialias">BlurPool filter size for a strided block; 0 for a plain one.</param>
    public BasicBlock(long inplanes, long planes, long stride, Sequential? downsample, int antialias) : base("BasicBlock")
    {
        var blurred = stride != 1 && antialias > 0;
        conv1 = Conv2d(inplanes, planes, 3, stride: blurred ? 1 : stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        relu = ReLU(inplace: true);
        if (blurred) blur = new BlurPool(planes, antialias);
        conv2 = Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>The (kernel, stride) of the main path, for receptive-field arithmetic.</summary>
    public static IEnumerable<(int Kernel, int Stride)> MainPath(int stride, int antialias) =>
        stride != 1 && antialias > 0 ? [(3, 1), (antialias, stride), (3, 1)] : [(3, stride), (3, 1)];

    public override Tensor forward(Tensor x)
    {
        using var c1 = conv1.call(x);
        using var b1 = bn1.call(c1);
        using var r1 = relu.call(b1);
        using var blurred = blur is null ? r1.alias() : blur.call(r1);
        using var c2 = conv2.call(blurred);
        using var b2 = bn2.call(c2);
        using var identity = downsample is null ? x.alias() : downsample.call(x);
        using var sum = b2 + identity;
        return relu.call(sum);
    }
}
