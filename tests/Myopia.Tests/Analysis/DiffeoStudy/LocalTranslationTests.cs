using Myopia.Analysis.DiffeoStudy;
using Myopia.Data.Synthetic;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>The two-point task's local translation: the neighbour probabilities (1/6 axial, 1/12 diagonal), clamping, determinism.</summary>
public class LocalTranslationTests
{
    [Fact]
    public void NeighbourFrequenciesAreOneSixthAxialAndOneTwelfthDiagonal()
    {
        const int draws = 240_000;
        var counts = new Dictionary<(int, int), int>();
        var random = new SplitMix64(12345);
        for (int i = 0; i < draws; i++)
        {
            var step = LocalTranslation.Step(ref random);
            counts[step] = counts.GetValueOrDefault(step) + 1;
        }
        Assert.False(counts.ContainsKey((0, 0)));
        Assert.Equal(8, counts.Count);
        foreach (var (step, count) in counts)
        {
            double p = step.Item1 != 0 && step.Item2 != 0 ? 1.0 / 12 : 1.0 / 6;
            double sd = Math.Sqrt(draws * p * (1 - p));
            // 4.5 standard deviations: a wrong probability (e.g. 1/8 each) is off by > 50 of them.
            Assert.InRange(count, draws * p - 4.5 * sd, draws * p + 4.5 * sd);
        }
    }

    [Fact]
    public void ActivePixelsMoveToNeighboursAndKeepTheirValue()
    {
        using var images = zeros(64, 1, 28, 28);
        for (int p = 0; p < 64; p++)
        {
            images[p, 0, 5, 9] = tensor(392f);
            images[p, 0, 20, 3] = tensor(392f);
        }
        var moved = new LocalTranslation().Apply(images, firstIndex: 0, seed: 7);
        Assert.Equal(images.shape, moved.shape);
        Assert.Equal(64 * 2 * 392.0, moved.sum().item<float>(), 1);
        for (int p = 0; p < 64; p++)
        {
            var active = moved[p, 0].nonzero();
            Assert.Equal(2, active.shape[0]);
            var rows = active.select(1, 0).data<long>().ToArray();
            var columns = active.select(1, 1).data<long>().ToArray();
            Assert.All(Enumerable.Range(0, 2), k =>
                Assert.True(Math.Max(Math.Abs(rows[k] - 5), Math.Abs(columns[k] - 9)) == 1 ||
                            Math.Max(Math.Abs(rows[k] - 20), Math.Abs(columns[k] - 3)) == 1));
        }
    }

    [Fact]
    public void CornerPixelsAreClampedToTheImage()
    {
        using var images = zeros(200, 1, 4, 4);
        images[.., 0, 0, 0] = tensor(1f);
        var moved = new LocalTranslation().Apply(images, 0, 3);
        Assert.Equal(200.0, moved.sum().item<float>(), 3);
        Assert.Equal(0.0, moved[.., 0, 2..].abs().sum().item<float>());
        Assert.Equal(0.0, moved[.., 0, .., 2..].abs().sum().item<float>());
        // Staying put happens only when the move points out of the image: (−1, ·) or (·, −1), 1/6 + 1/6 + 3·1/12 − ... > 0.
        Assert.True(moved[.., 0, 0, 0].sum().item<float>() > 0);
    }

    [Fact]
    public void DrawsDependOnTheImageIndexNotOnTheBatch()
    {
        using var images = zeros(6, 1, 10, 10);
        images[.., 0, 4, 6] = tensor(1f);
        var deformation = new LocalTranslation();
        using var all = deformation.Apply(images, 10, 5);
        using var tail = deformation.Apply(images[3..], 13, 5);
        Assert.True(all[3..].eq(tail).all().item<bool>());
        using var otherSeed = deformation.Apply(images, 10, 6);
        Assert.False(all.eq(otherSeed).all().item<bool>());
    }
}
