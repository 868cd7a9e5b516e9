using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>
/// Spec target 2: a stride-1 circular conv/ReLU stack commutes with circular shifts (within 1e-5); one
/// stride-2 layer keeps this for even shifts (the output shifted by half) and breaks it for odd ones
/// (relative error above 1e-2 with random weights).
/// </summary>
public class EquivarianceTests
{
    private static Module<Tensor, Tensor> Stack(bool strided)
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            Conv2d(3, 8, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
            Conv2d(8, 8, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
        };
        if (strided) layers.AddRange([Conv2d(8, 8, 3, stride: 2, padding: 1, padding_mode: PaddingModes.Circular), ReLU()]);
        layers.AddRange([Conv2d(8, 8, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU()]);
        return Sequential(layers);
    }

    private static double RelativeError(Tensor a, Tensor b) => ((a - b).norm().item<float>()) / (b.norm().item<float>() + 1e-12);

    [Theory]
    [InlineData(1, 0)] [InlineData(0, 1)] [InlineData(1, 1)] [InlineData(3, -5)] [InlineData(7, 2)]
    public void StrideOneCircularStackIsEquivariant(int dy, int dx)
    {
        manual_seed(3);
        using var f = Stack(strided: false);
        using var _ = no_grad();
        using var x = randn(2, 3, 16, 16);
        using var shiftThenF = f.call(x.roll([dy, dx], [2, 3]));
        using var fThenShift = f.call(x).roll([dy, dx], [2, 3]);
        Assert.True((shiftThenF - fThenShift).abs().max().item<float>() < 1e-5f);
    }

    [Theory]
    [InlineData(2, 0)] [InlineData(0, 2)] [InlineData(2, 2)] [InlineData(4, -6)]
    public void OneStrideTwoLayerKeepsEvenShiftsAtHalfTheOffset(int dy, int dx)
    {
        manual_seed(4);
        using var f = Stack(strided: true);
        using var _ = no_grad();
        using var x = randn(2, 3, 16, 16);
        using var shiftThenF = f.call(x.roll([dy, dx], [2, 3]));
        using var fThenShift = f.call(x).roll([dy / 2, dx / 2], [2, 3]);
        Assert.True((shiftThenF - fThenShift).abs().max().item<float>() < 1e-5f);
    }

    [Theory]
    [InlineData(1, 0)] [InlineData(0, 1)] [InlineData(1, 1)] [InlineData(3, 3)] [InlineData(-5, 1)]
    public void OneStrideTwoLayerBreaksOddShifts(int dy, int dx)
    {
        manual_seed(5);
        using var f = Stack(strided: true);
        using var _ = no_grad();
        using var x = randn(2, 3, 16, 16);
        using var shiftThenF = f.call(x.roll([dy, dx], [2, 3]));
        // The best the subsampled map can do for an odd shift: either neighbouring half offset.
        double best = double.MaxValue;
        foreach (var (hy, hx) in new[] { (Floor(dy), Floor(dx)), (Floor(dy) + (dy % 2 != 0 ? 1 : 0), Floor(dx) + (dx % 2 != 0 ? 1 : 0)) })
        {
            using var candidate = f.call(x).roll([hy, hx], [2, 3]);
            best = Math.Min(best, RelativeError(shiftThenF, candidate));
        }
        Assert.True(best > 1e-2, $"relative error {best}");
    }

    private static int Floor(int d) => (int)Math.Floor(d / 2.0);
}
