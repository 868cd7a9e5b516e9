using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models.Antialiasing;

/// <summary>
/// Zhang's antialiased max pool: a dense max (stride 1) followed by <see cref="BlurPool"/>, replacing a
/// stride-2 max pool. One module without parameters, so it takes the pool's place in a Sequential and
/// the numbering of the layers around it (<c>features.N</c>) stays that of the plain network.
/// </summary>
/// <remarks>
/// <paramref name="kernel"/> is the dense max's window: 2 in Zhang's code, also where the plain pool was
/// torchvision ResNet's MaxPool2d(3, 2, 1). With <paramref name="ceilMode"/> false the output side is
/// ⌊H/2⌋ for a 2x2 window (H−1 dense maxima, then ⌈(H−1)/2⌉), that of a floor-mode MaxPool2d(2, 2);
/// with true, an odd side is first extended by repeating its last row/column, giving ⌈H/2⌉ like a
/// ceil-mode pool (which the CIFAR VGG and LeNet use so that 1x1 maps pass through). Even sides are
/// exactly Zhang's in both modes.
/// </remarks>
public sealed class MaxBlurPool : nn.Module<Tensor, Tensor>
{
    private readonly long kernel;
    private readonly bool ceilMode;
    private readonly BlurPool blur;

    public MaxBlurPool(long channels, int filterSize, long kernel = 2, bool ceilMode = false) : base("MaxBlurPool")
    {
        this.kernel = kernel;
        this.ceilMode = ceilMode;
        blur = new BlurPool(channels, filterSize);
        RegisterComponents();
    }

    public int FilterSize => blur.FilterSize;

    public override Tensor forward(Tensor x)
    {
        using var extended = ceilMode ? ExtendOddSides(x) : x.alias();
        using var dense = functional.max_pool2d(extended, [kernel, kernel], [1, 1]);
        return blur.call(dense);
    }

    private static Tensor ExtendOddSides(Tensor x)
    {
        var bottom = x.shape[2] % 2;
        var right = x.shape[3] % 2;
        return bottom + right == 0 ? x.alias() : functional.pad(x, (0, right, 0, bottom), PaddingModes.Replicate);
    }
}
