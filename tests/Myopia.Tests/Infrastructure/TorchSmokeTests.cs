using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Tests.Infrastructure;

/// <summary>Proves the native libtorch loads (the build's ELF patch worked) and runs real kernels.</summary>
public class TorchSmokeTests
{
    [Fact]
    public void TensorArithmeticRuns()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = (a * 2 + 1).sum();
        Assert.Equal(15f, b.item<float>());
    }

    [Fact]
    public void Conv2dForwardMatchesHandComputedValue()
    {
        // 1x1x3x3 input of ones, 3x3 kernel of ones, no padding: a single output equal to 9.
        using var x = ones(1, 1, 3, 3);
        using var w = ones(1, 1, 3, 3);
        using var y = nn.functional.conv2d(x, w);
        Assert.Equal(new long[] { 1, 1, 1, 1 }, y.shape);
        Assert.Equal(9f, y.item<float>());
    }
}
