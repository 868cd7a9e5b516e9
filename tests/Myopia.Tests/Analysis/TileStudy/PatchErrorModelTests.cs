using Myopia.Analysis.TileStudy;

namespace Myopia.Tests.Analysis.TileStudy;

/// <summary>Every value of the spec's err(t) table, to 1e-3.</summary>
public class PatchErrorModelTests
{
    [Theory]
    [InlineData("cifar10", 8, 0.1184)]
    [InlineData("cifar10", 16, 0.1197)]
    [InlineData("cifar10", 24, 0.1588)]
    [InlineData("cifar10", 30, 0.3626)]
    [InlineData("cifar100", 16, 0.2591)]
    [InlineData("cifar100", 18, 0.2552)]
    [InlineData("cifar100", 24, 0.2681)]
    [InlineData("stl10", 32, 0.1974)]
    [InlineData("stl10", 48, 0.1972)]
    [InlineData("stl10", 90, 0.5004)]
    [InlineData("tiny-imagenet", 48, 0.4781)]
    [InlineData("imagenet", 196, 0.3264)]
    [InlineData("imagenet512", 400, 0.3269)]
    public void ErrorAtTileMatchesTheTable(string preset, double t, double expected) =>
        Assert.Equal(expected, PatchErrorModel.Error(PatchErrorPresets.Get(preset), t), 3);

    [Theory]
    [InlineData("cifar10", 0.116, 11.7, 0.3)]
    [InlineData("cifar100", 0.254, 19.3, 0.3)]
    [InlineData("stl10", 0.195, 40, 1.0)]
    [InlineData("tiny-imagenet", 0.475, 44.6, 0.3)]
    [InlineData("imagenet", 0.326, 194, 1.0)]
    [InlineData("imagenet512", double.NaN, 388, 2.0)] // the table gives only where the minimum is
    public void MinimumMatchesTheTable(string preset, double errMin, double tMin, double tTolerance)
    {
        var curve = PatchErrorModel.Curve(PatchErrorPresets.Get(preset));
        if (!double.IsNaN(errMin)) Assert.Equal(errMin, curve.ErrMin, 3);
        Assert.InRange(curve.TMin, tMin - tTolerance, tMin + tTolerance);
    }

    [Fact]
    public void CurveIsFiniteFromTinyTilesAndReachesOneAtTheFullImage()
    {
        var curve = PatchErrorModel.Curve(PatchErrorPresets.Get("cifar10"));
        Assert.All(curve.Err, e => Assert.True(double.IsFinite(e)));
        Assert.Equal(0.1, curve.T[0], 9);
        Assert.Equal(32, curve.T[^1], 9);
        Assert.InRange(curve.Err[^1], 0.98, 1.0); // n_t = 1, E = 0, M = N^(-alpha/3h^2) just below 1
    }
}
