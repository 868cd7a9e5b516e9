using Myopia.Analysis.DiffeoStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>Spec targets 1 and 2: the generator's constants, its mode set, border, displacement statistics, and the warp against a naive loop of diff.py's remap.</summary>
public class DiffeoGeneratorTests
{
    [Fact]
    public void TemperatureConstantsFollowTheFormulasAndTheSpecsValues()
    {
        double ln3 = Math.Log(3);
        Assert.Equal(1 / (Math.PI * 32 * 32 * ln3), DiffeoTemperature.Min(32, 3), 1e-15);
        Assert.Equal(4 / (Math.Pow(Math.PI, 3) * 9 * ln3), DiffeoTemperature.Max(3), 1e-15);
        Assert.Equal(4 / (Math.PI * 32 * 32 * ln3), DiffeoTemperature.ForDisplacement(1, 32, 3), 1e-15);
        // The spec's rounded values: n = 32, c = 3 and n = 28, c = 3, and n = 32, c = 15.
        Assert.Equal(2.829e-4, DiffeoTemperature.Min(32, 3), 0.001e-4);
        Assert.Equal(1.305e-2, DiffeoTemperature.Max(3), 0.001e-2);
        Assert.Equal(1.132e-3, DiffeoTemperature.ForDisplacement(1, 32, 3), 0.001e-3);
        Assert.Equal(3.696e-4, DiffeoTemperature.Min(28, 3), 0.001e-4);
        Assert.Equal(1.478e-3, DiffeoTemperature.ForDisplacement(1, 28, 3), 0.001e-3);
        Assert.Equal(4.6e-4, DiffeoTemperature.ForDisplacement(1, 32, 15), 0.05e-4);
        Assert.Equal(2.1e-4, DiffeoTemperature.Max(15), 0.05e-4);
        Assert.Equal(1.0, DiffeoTemperature.Displacement(DiffeoTemperature.ForDisplacement(1, 32, 3), 32, 3), 1e-12);
        Assert.Throws<MyopiaException>(() => DiffeoTemperature.Min(32, 1));
    }

    [Theory]
    [InlineData(3, 6)] [InlineData(1, 1)] [InlineData(2, 3)] [InlineData(5, 0)]
    public void TheCodesCutoffKeepsModesInsideCPlusAHalf(int cutoff, int expected)
    {
        var w = DiffeoGenerator.ModeWeights(cutoff);
        int kept = 0;
        for (int i = 1; i <= cutoff; i++)
            for (int j = 1; j <= cutoff; j++)
                if (w[i - 1, j - 1] != 0)
                {
                    kept++;
                    Assert.Equal(1 / Math.Sqrt(i * i + j * j), w[i - 1, j - 1], 1e-15);
                    Assert.True(Math.Sqrt(i * i + j * j) < cutoff + 0.5);
                }
        if (cutoff == 5) expected = Enumerable.Range(1, 5).SelectMany(i => Enumerable.Range(1, 5).Select(j => Math.Sqrt(i * i + j * j))).Count(r => r < 5.5);
        Assert.Equal(expected, kept);
        // The paper's strict rule i² + j² <= c² would keep 4 at c = 3: the code's rule is the one followed.
        if (cutoff == 3) Assert.NotEqual(4, kept);
    }

    [Fact]
    public void BorderPixelsNeverMoveAndFieldsAreDeterministicPerImage()
    {
        var g = new DiffeoGenerator(DiffeoTemperature.Max(3), 3);
        var (dx, dy) = g.Fields(10, 6, 20, 28, seed: 5);
        foreach (var d in new[] { dx, dy })
        {
            Assert.True(d[.., 0, ..].abs().max().item<double>() < 1e-12);
            Assert.True(d[.., ^1, ..].abs().max().item<double>() < 1e-12);
            Assert.True(d[.., .., 0].abs().max().item<double>() < 1e-12);
            Assert.True(d[.., .., ^1].abs().max().item<double>() < 1e-12);
            Assert.True(d.abs().max().item<double>() > 0.1);
        }
        // Image 12's field is the same whether drawn in a batch from 10 or alone, and differs from image 13's.
        var (alone, _) = g.Fields(12, 1, 20, 28, seed: 5);
        Assert.Equal(0, (alone[0] - dx[2]).abs().max().item<double>());
        Assert.True((dx[2] - dx[3]).abs().max().item<double>() > 1e-3);
        var (otherSeed, _) = g.Fields(12, 1, 20, 28, seed: 6);
        Assert.True((otherSeed[0] - dx[2]).abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void DisplacementStatisticsMatchTheDiscreteModeSum()
    {
        // Spec target 2: n = 32, c = 3, δ = 1: pixel-averaged E[Δx² + Δy²] = 0.666 px² ± 3% over >= 2000 fields; E[Δx²] = E[Δy²] ± 5%.
        var g = DiffeoGenerator.ForDisplacement(1, 32, 3);
        var (dx, dy) = g.Fields(0, 4000, 32, 32, seed: 1);
        double ex = dx.square().mean().item<double>(), ey = dy.square().mean().item<double>();
        Assert.InRange(ex + ey, 0.666 * 0.97, 0.666 * 1.03);
        Assert.InRange(ex / ey, 0.95, 1.05);
        // The exact expectation of the mode sum: T n² Σ_ij (1/r²) mean_x sin²(iπu) mean_y sin²(jπv), both components.
        double t = DiffeoTemperature.ForDisplacement(1, 32, 3), expected = 0;
        var w = DiffeoGenerator.ModeWeights(3);
        for (int i = 1; i <= 3; i++)
            for (int j = 1; j <= 3; j++)
                expected += w[i - 1, j - 1] * w[i - 1, j - 1] * MeanSine2(i, 32) * MeanSine2(j, 32);
        expected *= 2 * t * 32 * 32;
        Assert.Equal(0.666, expected, 0.001);
        Assert.InRange((ex + ey) / expected, 0.97, 1.03);
    }

    private static double MeanSine2(int k, int n) => Enumerable.Range(0, n).Average(p => Math.Pow(Math.Sin(k * Math.PI * p / (n - 1.0)), 2));

    [Theory]
    [InlineData(WarpInterpolation.Bilinear)] [InlineData(WarpInterpolation.Nearest)] [InlineData(WarpInterpolation.Gaussian)]
    public void WarpMatchesANaiveLoopOfTheReferenceRemap(WarpInterpolation mode)
    {
        manual_seed(2);
        int h = 9, w = 12;
        var image = randn(2, 3, h, w, ScalarType.Float64);
        var dx = randn(2, h, w, ScalarType.Float64) * 2.5;
        var dy = randn(2, h, w, ScalarType.Float64) * 2.5;
        dx[0, 3, 4] = 1.0; dy[0, 3, 4] = -2.0; // an integer displacement: floor = ceil
        var warped = DiffeoGenerator.Warp(image, dx, dy, mode);
        var a = image.data<double>().ToArray();
        var ddx = dx.data<double>().ToArray();
        var ddy = dy.data<double>().ToArray();
        double At(int n, int c, int y, int x) => a[((n * 3 + c) * h + y) * w + x];
        for (int n = 0; n < 2; n++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double xn = Math.Clamp(x - ddx[(n * h + y) * w + x], 0, w - 1), yn = Math.Clamp(y - ddy[(n * h + y) * w + x], 0, h - 1);
                    for (int c = 0; c < 3; c++)
                    {
                        double expected;
                        if (mode == WarpInterpolation.Bilinear)
                        {
                            int xf = (int)Math.Floor(xn), xc = (int)Math.Ceiling(xn), yf = (int)Math.Floor(yn), yc = (int)Math.Ceiling(yn);
                            double fx = xn - xf, fy = yn - yf;
                            expected = (1 - fy) * (1 - fx) * At(n, c, yf, xf) + (1 - fy) * fx * At(n, c, yf, xc) + fy * (1 - fx) * At(n, c, yc, xf) + fy * fx * At(n, c, yc, xc);
                        }
                        else if (mode == WarpInterpolation.Nearest)
                            expected = At(n, c, (int)Math.Round(yn, MidpointRounding.ToEven), (int)Math.Round(xn, MidpointRounding.ToEven));
                        else
                        {
                            // diff.py's gaussian: weights over every pixel of the image, normalised.
                            double sum = 0, norm = 0;
                            for (int py = 0; py < h; py++)
                                for (int px = 0; px < w; px++)
                                {
                                    double weight = Math.Exp(-((yn - py) * (yn - py) + (xn - px) * (xn - px)) / (2 * DiffeoGenerator.GaussianSigma * DiffeoGenerator.GaussianSigma));
                                    sum += weight * At(n, c, py, px);
                                    norm += weight;
                                }
                            expected = sum / norm;
                        }
                        Assert.Equal(expected, warped[n, c, y, x].item<double>(), 1e-12);
                    }
                }
    }

    [Fact]
    public void ZeroTemperatureIsTheIdentityAndAConstantImageStaysConstant()
    {
        manual_seed(4);
        var x = randn(3, 3, 16, 16);
        Assert.Equal(0, (new DiffeoGenerator(0, 3).Apply(x, 0, 1) - x).abs().max().item<float>());
        var flat = full(new long[] { 2, 1, 16, 16 }, 0.7, ScalarType.Float64);
        foreach (var mode in Enum.GetValues<WarpInterpolation>())
            Assert.True((new DiffeoGenerator(DiffeoTemperature.Max(3), 3, mode).Apply(flat, 0, 3) - 0.7).abs().max().item<double>() < 1e-12, mode.ToString());
    }

    [Fact]
    public void GaussianReferenceIsTheSmoothingWithoutDisplacement()
    {
        manual_seed(5);
        var x = randn(2, 3, 10, 10, ScalarType.Float64);
        var g = new DiffeoGenerator(0, 3, WarpInterpolation.Gaussian);
        var reference = g.Reference(x);
        Assert.True((reference - x).abs().max().item<double>() > 1e-3, "the reference of a gaussian warp is smoothed");
        Assert.Equal(0, (g.Apply(x, 0, 1) - reference).abs().max().item<double>(), 12);
        Assert.Equal(0, (new DiffeoGenerator(0, 3).Reference(x) - x).abs().max().item<double>());
    }

    [Fact]
    public void RectangularImagesScaleEachAxisByItsOwnLength()
    {
        var g = new DiffeoGenerator(DiffeoTemperature.ForDisplacement(1, 32, 3), 3);
        var (dx, dy) = g.Fields(0, 2000, 16, 64, seed: 9);
        // Δx = W √T φ, Δy = H √T φ with φ's of the same law: their mean squares differ by (W/H)² up to the sine averages.
        double ratio = dx.square().mean().item<double>() / dy.square().mean().item<double>();
        Assert.InRange(ratio, 16 * 0.85, 16 * 1.15);
        using var images = randn(2, 1, 16, 64);
        Assert.Equal(new long[] { 2, 1, 16, 64 }, g.Apply(images, 0, 1).shape);
    }
}
