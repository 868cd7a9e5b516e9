using Myopia.Analysis.DiffeoStudy;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>Spec targets 4 and 5: the idealised pooling network of §7 against the spec's numbers and exponents.</summary>
public class IdealPoolingNetworkTests
{
    private static readonly Lazy<IdealPoolingResult> StrideTwo = new(() => IdealPoolingNetwork.Run(IdealPoolingOptions.StrideTwo()));
    private static readonly Lazy<IdealPoolingResult> StrideOne = new(() => IdealPoolingNetwork.Run(IdealPoolingOptions.StrideOne()));

    [Theory]
    [InlineData(1, 0.504)]
    [InlineData(2, 0.254)]
    [InlineData(3, 0.129)]
    [InlineData(4, 0.067)]
    [InlineData(5, 0.036)]
    public void StrideTwoDMatchesTheSpecWithinThreePercent(int k, double expected)
    {
        double d = StrideTwo.Value.Layer(k).Sensitivities.D;
        Assert.InRange(d / expected, 0.97, 1.03);
    }

    [Theory]
    [InlineData(1, 0.67)]
    [InlineData(2, 1.00)]
    [InlineData(3, 1.67)]
    [InlineData(4, 3.1)]
    [InlineData(5, 6.2)]
    public void StrideTwoGMatchesTheSpecWithinTwentyPercent(int k, double expected)
    {
        foreach (int seed in new[] { 0, 1, 2 })
        {
            double g = (seed == 0 ? StrideTwo.Value : IdealPoolingNetwork.Run(IdealPoolingOptions.StrideTwo(seed))).Layer(k).Sensitivities.G;
            Assert.InRange(g / expected, 0.8, 1.2);
        }
    }

    [Fact]
    public void StrideTwoRFallsByAboutFourPerLayer()
    {
        for (int k = 1; k <= 4; k++)
        {
            double ratio = StrideTwo.Value.Layer(k).Sensitivities.R / StrideTwo.Value.Layer(k + 1).Sensitivities.R;
            Assert.InRange(ratio, 2.5, 4.5);
        }
    }

    [Fact]
    public void StrideTwoHalvesTheWidthAndDropsTheLastSiteOfAnOddInput()
    {
        // No padding for F = 2 (⌊(F−1)/2⌋ = 0): 257 -> 128 -> 64 ... -> 2.
        Assert.Equal(new[] { 128, 64, 32, 16, 8, 4, 2 }, StrideTwo.Value.Layers.Select(l => l.Width));
        Assert.Equal(2, StrideTwo.Value.Options.Width(7));
    }

    [Fact]
    public void StrideOneSlopesBetweenLayers8And32MatchTheSpec()
    {
        var r = StrideOne.Value;
        double TwoPoint(Func<Sensitivities, double> q) => Math.Log(q(r.Layer(32).Sensitivities) / q(r.Layer(8).Sensitivities)) / Math.Log(4);
        Assert.InRange(TwoPoint(s => s.D), -1.10, -0.80);
        Assert.InRange(TwoPoint(s => s.G), 0.31, 0.55);
        Assert.InRange(TwoPoint(s => s.R), -1.65, -1.15);
        Assert.InRange(r.LogLogSlope(s => s.D, 8, 32), -1.10, -0.80);
        Assert.InRange(r.LogLogSlope(s => s.G, 8, 32), 0.31, 0.55);
        Assert.InRange(r.LogLogSlope(s => s.R, 8, 32), -1.65, -1.15);
    }

    [Theory]
    [InlineData(8, 0.046, 1.73)]
    [InlineData(16, 0.024, 2.31)]
    [InlineData(32, 0.0128, 3.17)]
    public void StrideOneValuesMatchTheSpec(int k, double d, double g)
    {
        var s = StrideOne.Value.Layer(k).Sensitivities;
        Assert.InRange(s.D / d, 0.97, 1.03);
        Assert.InRange(s.G / g, 0.8, 1.2);
        Assert.Equal(240, StrideOne.Value.Layer(k).Width);
    }

    [Fact]
    public void TheSameSeedGivesTheSameNumbersAndAnotherSeedOnlyMovesG()
    {
        var again = IdealPoolingNetwork.Run(IdealPoolingOptions.StrideTwo());
        var other = IdealPoolingNetwork.Run(IdealPoolingOptions.StrideTwo(seed: 7));
        for (int k = 1; k <= 7; k++)
        {
            Assert.Equal(StrideTwo.Value.Layer(k).Sensitivities, again.Layer(k).Sensitivities);
            Assert.Equal(StrideTwo.Value.Layer(k).Sensitivities.D, other.Layer(k).Sensitivities.D, 12);
        }
        Assert.NotEqual(StrideTwo.Value.Layer(1).Sensitivities.G, other.Layer(1).Sensitivities.G);
    }

    [Fact]
    public void NoiseHasTheNormOfTheShiftForEveryInput()
    {
        const int n = 17;
        var eta = IdealPoolingNetwork.NoiseDirections(n, 3);
        for (int p = 0; p < n; p++)
        {
            double norm2 = 0;
            for (int j = 0; j < n; j++) norm2 += eta[p * n + j] * eta[p * n + j];
            Assert.Equal(2.0, norm2, 12); // ‖τx − x‖² of a one-hot rolled by one site
        }
    }

    [Fact]
    public void AHandComputedStrideTwoLayer()
    {
        // n = 4, F = s = 2, one layer: f(e_p) = e_{p/2} in 2 units; the roll crosses a block for p = 1 and p = 3
        // (3 -> 0), each ‖Δ‖² = 2, so num_D = 4/4 = 1; den = 2 (1 − ‖(1/2, 1/2)‖²) = 1; D = 1.
        var r = IdealPoolingNetwork.Run(new IdealPoolingOptions(2, 2, 1, 4));
        Assert.Equal(2, r.Layer(1).Width);
        Assert.Equal(1.0, r.Layer(1).Sensitivities.NumeratorD, 12);
        Assert.Equal(1.0, r.Layer(1).Sensitivities.D, 8);
    }

    [Fact]
    public void APositiveBiasLiftsEveryUnitAndChangesG()
    {
        var plain = IdealPoolingNetwork.Run(new IdealPoolingOptions(2, 2, 3, 32));
        var biased = IdealPoolingNetwork.Run(new IdealPoolingOptions(2, 2, 3, 32, Bias: 0.05));
        Assert.NotEqual(plain.Layer(3).Sensitivities.G, biased.Layer(3).Sensitivities.G);
    }

    [Theory]
    [InlineData(3, 1, 5, 240, -1.0, 0.5, -1.5)]
    [InlineData(2, 2, 7, 257, -1.0, 1.0, -2.0)]
    public void PredictedExponentsAreThoseOfSection7(int f, int s, int layers, int n, double d, double g, double r)
    {
        var scaling = PoolingScaling.For(new IdealPoolingOptions(f, s, layers, n));
        Assert.Equal((d, g, r), (scaling.D, scaling.G, scaling.R));
    }

    [Fact]
    public void PredictionLinesPassThroughTheAnchor()
    {
        var one = PoolingScaling.For(IdealPoolingOptions.StrideOne());
        Assert.Equal(0.5, one.Line(-1, 8, 1.0, 16), 12);       // k doubled: D halves
        Assert.Equal(2.0, one.Line(0.5, 8, 1.0, 32), 12);      // k × 4: G doubles
        var two = PoolingScaling.For(IdealPoolingOptions.StrideTwo());
        Assert.Equal(0.25, two.Line(-1, 1, 1.0, 3), 12);       // two layers: D / 2²
        Assert.Equal(1.0 / 16, two.Line(-2, 2, 1.0, 4), 12);   // two layers: R / 2⁴
        var (dLine, _, rLine) = two.Lines(StrideTwo.Value, 2);
        Assert.Equal(StrideTwo.Value.Layer(2).Sensitivities.D, dLine[1], 12);
        Assert.Equal(StrideTwo.Value.Layer(2).Sensitivities.R, rLine[1], 12);
    }

    [Theory]
    [InlineData(0, 1, 3, 10, "filter size")]
    [InlineData(2, 3, 3, 10, "must not exceed")]
    [InlineData(2, 2, 0, 10, "layers")]
    [InlineData(2, 2, 3, 1, "at least 2 inputs")]
    [InlineData(2, 2, 9, 100, "nothing left to pool")]
    public void BadOptionsAreRefusedWithAReason(int f, int s, int layers, int n, string fragment)
    {
        var e = Assert.Throws<MyopiaException>(() => IdealPoolingNetwork.Run(new IdealPoolingOptions(f, s, layers, n)));
        Assert.Contains(fragment, e.Message);
    }
}
