using Myopia.Analysis.DiffeoStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>Spec target 3 (noise half): ‖η_p‖ = ‖τx_p − x_p‖ to 1e−10 relative, image by image; draws independent of batching.</summary>
public class MatchedNoiseTests
{
    [Fact]
    public void EveryImagesNoiseHasExactlyTheNormOfItsDeformation()
    {
        manual_seed(1);
        var x = randn(16, 3, 32, 32, ScalarType.Float64);
        var tx = DiffeoGenerator.ForDisplacement(1, 32, 3).Apply(x, 0, 7);
        var eta = MatchedNoise.Draw(x, tx, 0, 7);
        var wanted = (tx - x).flatten(1).norm(1);
        var got = eta.flatten(1).norm(1);
        Assert.True(((got - wanted).abs() / wanted).max().item<double>() < 1e-10);
        // Different images get different directions; the draw is Gaussian (mean ~ 0 over entries).
        Assert.True((eta[0] / got[0] - eta[1] / got[1]).abs().max().item<double>() > 1e-3);
        Assert.True(Math.Abs((eta / got.view(-1, 1, 1, 1)).mean().item<double>()) < 0.01);
    }

    [Fact]
    public void NoiseOfAnImageDoesNotDependOnItsBatch()
    {
        manual_seed(2);
        var x = randn(6, 1, 8, 8, ScalarType.Float64);
        var tx = x + 0.1;
        var all = MatchedNoise.Draw(x, tx, 100, 3);
        var part = MatchedNoise.Draw(x.narrow(0, 4, 2), tx.narrow(0, 4, 2), 104, 3);
        Assert.Equal(0, (all.narrow(0, 4, 2) - part).abs().max().item<double>());
    }
}
