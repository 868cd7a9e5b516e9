using Myopia.Data;
using Myopia.Data.Synthetic;
using static TorchSharp.torch;

namespace Myopia.Tests.Data;

/// <summary>The two-point scale-detection dataset: target 6's counts exactly, the split, the pixel values after normalization.</summary>
public class TwoPointsDatasetTests
{
    [Fact]
    public void CountsAreThoseOfTheAuthorsCode()
    {
        Assert.Equal(756, TwoPointsDataset.Positions(28).Length);
        Assert.DoesNotContain(TwoPointsDataset.Positions(28), p => p.Row == p.Column);
        Assert.Equal(285_390, TwoPointsDataset.PairCount(28));
        var (far, close) = TwoPointsDataset.Classes(new TwoPointsOptions());
        Assert.Equal(135_397, far.Count);
        Assert.Equal(120_767, close.Count);
    }

    [Fact]
    public void PairsAreEnumeratedAsItertoolsCombinationsOfPermutations()
    {
        // Side 3: permutations(range(3), 2) = (0,1),(0,2),(1,0),(1,2),(2,0),(2,1); the first combination is ((0,1),(0,2)), distance 1.
        var positions = TwoPointsDataset.Positions(3);
        Assert.Equal([(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)], positions);
        var (far, close) = TwoPointsDataset.Classes(new TwoPointsOptions(Side: 3, Xi: 1.5, Gap: 0));
        Assert.Equal(15, far.Count + close.Count);
        Assert.Equal((0, 1), close[0]);
    }

    [Fact]
    public void SplitIsBalancedDisjointAndLabelledByDistance()
    {
        var options = new TwoPointsOptions(TrainCount: 64);
        var data = TwoPointsDataset.GenerateDecoded(options);
        Assert.Equal(64, data.Train.Count);
        Assert.Equal(4 * 64, data.Test.Count);
        Assert.Equal(32, data.Train.Labels.Count(l => l == 1));
        Assert.Equal(128, data.Test.Labels.Count(l => l == 1));
        Assert.Equal(["far", "close"], data.ClassNames);
        var train = Images(data.Train);
        var test = Images(data.Test);
        Assert.Empty(train.Keys.Intersect(test.Keys));
        foreach (var (pixels, label) in train.Concat(test))
        {
            var active = Enumerable.Range(0, pixels.Length).Where(i => pixels[i] == '1').Select(i => (Row: i / 28, Column: i % 28)).ToList();
            Assert.Equal(2, active.Count);
            Assert.All(active, a => Assert.NotEqual(a.Row, a.Column));
            double distance = Math.Sqrt(Math.Pow(active[0].Row - active[1].Row, 2) + Math.Pow(active[0].Column - active[1].Column, 2));
            Assert.True(label == 1 ? distance < 13 : distance >= 15, $"label {label}, distance {distance}");
        }
        Assert.Equal(data.Train.Pixels, TwoPointsDataset.GenerateDecoded(options).Train.Pixels);
        Assert.NotEqual(data.Train.Pixels, TwoPointsDataset.GenerateDecoded(options with { Seed = 1 }).Train.Pixels);
    }

    [Fact]
    public void NormalizedImagesAreZeroWithTwoPixelsOfHalfTheSquaredSide()
    {
        using var splits = DatasetCatalog.Load("twopoints:train=16", null);
        Assert.Equal(1, splits.Train.Channels);
        Assert.Equal(28, splits.Train.Height);
        using var pixels = splits.Train.Images.to_type(ScalarType.Float64) / 255.0;
        using var normalized = (pixels - splits.Normalization.Mean[0]) / splits.Normalization.Std[0];
        using var perImage = normalized.sum([1, 2, 3]);
        Assert.All(perImage.data<double>().ToArray(), s => Assert.Equal(2 * 392.0, s, 2));
        Assert.Equal(392.0, normalized.max().item<double>(), 2);
        Assert.Equal(28, DatasetImageSide.Of("twopoints"));
        Assert.Equal(20, DatasetImageSide.Of("twopoints:side=20,xi=8"));
    }

    [Fact]
    public void BadOptionsAreRefusedWithTheirName()
    {
        Assert.Contains("unknown option 'bogus'", Assert.Throws<MyopiaException>(() => TwoPointsOptions.Parse("bogus=1")).Message);
        Assert.Contains("train", Assert.Throws<MyopiaException>(() => TwoPointsOptions.Parse("train=3")).Message);
        Assert.Contains("too few", Assert.Throws<MyopiaException>(() => TwoPointsDataset.GenerateDecoded(new TwoPointsOptions(TrainCount: 100_000))).Message);
        Assert.Equal(new TwoPointsOptions(Xi: 10, Gap: 0, TrainCount: 2048), TwoPointsOptions.Parse("xi=10, gap=0, train=2048"));
        Assert.Contains("xi must be a number", Assert.Throws<MyopiaException>(() => DatasetCatalog.EnsureAvailable("twopoints:xi=abc", null)).Message);
        DatasetCatalog.EnsureAvailable("twopoints", null);
    }

    // Each image as a '0'/'1' string (the key) with its label.
    private static Dictionary<string, int> Images(DecodedImages images)
    {
        var result = new Dictionary<string, int>();
        for (int i = 0; i < images.Count; i++)
            result.Add(new string(images.Pixels.AsSpan(i * 784, 784).ToArray().Select(b => b == 0 ? '0' : '1').ToArray()), images.Labels[i]);
        return result;
    }
}
