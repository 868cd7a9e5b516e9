using Myopia.Analysis.DiffeoStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>Spec target 3: the mean estimator's pair-free denominator, R = 1 at the input, and the median estimator by hand.</summary>
public class EstimatorIdentityTests
{
    [Fact]
    public void StreamedInBatchesEqualsTheDefinitionOverAllPairs()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(11);
        var f = randn(new long[] { 23, 3, 4, 5 }, ScalarType.Float64, generator: generator) * 3 + 1.5;
        var fd = f + 0.1 * randn(new long[] { 23, 3, 4, 5 }, ScalarType.Float64, generator: generator);
        var fn = f + 0.2 * randn(new long[] { 23, 3, 4, 5 }, ScalarType.Float64, generator: generator);
        var direct = MeanSensitivity.Direct(f, fd, fn);
        using var streamed = new MeanSensitivity();
        foreach (var (start, length) in new[] { (0, 5), (5, 1), (6, 10), (16, 7) })
            streamed.Add(f.narrow(0, start, length), fd.narrow(0, start, length), fn.narrow(0, start, length));
        var r = streamed.Result();
        Assert.Equal(23, streamed.Count);
        Assert.Equal(direct.Denominator, r.Denominator, 1e-10 * direct.Denominator);
        Assert.Equal(direct.NumeratorD, r.NumeratorD, 1e-10 * direct.NumeratorD);
        Assert.Equal(direct.NumeratorG, r.NumeratorG, 1e-10 * direct.NumeratorG);
        Assert.Equal(direct.R, r.R, 1e-10 * direct.R);

        // and both equal 2 (mean ‖f‖² − ‖mean f‖²) + floor, written out independently
        var flat = f.flatten(1);
        double identity = 2 * (flat.square().sum(1).mean().item<double>() - flat.mean(new long[] { 0 }).square().sum().item<double>());
        Assert.Equal(identity + Sensitivities.DenominatorFloor, r.Denominator, 1e-10 * identity);
    }

    [Fact]
    public void TheDenominatorIncludesTheZeroDiagonal()
    {
        // Two images at distance² 1: pairs (1,2) and (2,1) give 1 each, the diagonal 0: den = 2/4 = 0.5.
        using var scope = NewDisposeScope();
        var f = tensor(new double[] { 0, 0, 1, 0 }).reshape(2, 2);
        var s = MeanSensitivity.Direct(f, f, f);
        Assert.Equal(0.5 + Sensitivities.DenominatorFloor, s.Denominator, 15);
        using var streamed = new MeanSensitivity();
        streamed.Add(f, f, f);
        Assert.Equal(0.5 + Sensitivities.DenominatorFloor, streamed.Result().Denominator, 15);
    }

    [Fact]
    public void AtTheInputEqualNumeratorsGiveROfOne()
    {
        // f = identity: the noisy image differs from the clean one by exactly as much as the deformed one.
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(5);
        var x = randn(new long[] { 12, 1, 6, 6 }, ScalarType.Float64, generator: generator);
        var tx = x.roll(1, 3);
        var delta = (tx - x).flatten(1).norm(1).reshape(12, 1, 1, 1);
        var g = randn(new long[] { 12, 1, 6, 6 }, ScalarType.Float64, generator: generator);
        var noisy = x + delta * g / g.flatten(1).norm(1).reshape(12, 1, 1, 1);
        using var streamed = new MeanSensitivity();
        streamed.Add(x, tx, noisy);
        Assert.Equal(1.0, streamed.Result().R, 1e-10);
        Assert.Equal(1.0, MeanSensitivity.Direct(x, tx, noisy).R, 1e-10);
    }

    [Fact]
    public void MedianByHand()
    {
        // Three images, two coordinates.
        // clean (0,0), (1,0), (0,2); deformed adds (1,0), (2,0), (3,1) -> squared changes (1,0), (4,0), (9,1):
        // coordinate medians 4 and 0 -> num_D = 4. Noisy adds (0,1), (0,3), (1,2) -> (0,1), (0,9), (1,4):
        // medians 0 and 4 -> num_G = 4. Pairs ‖f_p − f_q‖²: 0,1,4 / 1,0,5 / 4,5,0 -> sorted 0,0,0,1,1,4,4,5,5,
        // median (5th of 9) = 1. D = 4, G = 4, R = 1.
        using var scope = NewDisposeScope();
        var f = tensor(new double[] { 0, 0, 1, 0, 0, 2 }).reshape(3, 2);
        var fd = f + tensor(new double[] { 1, 0, 2, 0, 3, 1 }).reshape(3, 2);
        var fn = f + tensor(new double[] { 0, 1, 0, 3, 1, 2 }).reshape(3, 2);
        var s = MedianSensitivity.Compute(f, fd, fn);
        Assert.Equal(4.0, s.NumeratorD, 12);
        Assert.Equal(4.0, s.NumeratorG, 12);
        Assert.Equal(1.0, s.Denominator, 8);
        Assert.Equal(4.0, s.D, 6);
        Assert.Equal(1.0, s.R, 12);
    }

    [Fact]
    public void MedianOfAnEvenCountTakesTheLowerMiddle()
    {
        // Two images: squared changes per coordinate {1, 9} -> lower middle 1 (torch.median), not 5.
        // Pairs: 0, 0, 4, 4 -> lower middle 0 -> den is the floor alone.
        using var scope = NewDisposeScope();
        var f = tensor(new double[] { 0, 2 }).reshape(2, 1);
        var fd = f + tensor(new double[] { 1, 3 }).reshape(2, 1);
        var s = MedianSensitivity.Compute(f, fd, fd);
        Assert.Equal(1.0, s.NumeratorD, 12);
        Assert.Equal(Sensitivities.DenominatorFloor, s.Denominator, 1e-20);
    }
}
