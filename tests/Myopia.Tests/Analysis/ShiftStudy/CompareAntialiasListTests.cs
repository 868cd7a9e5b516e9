using Myopia.Analysis.ShiftStudy;
using Myopia.Classifiers;
using Myopia.Cli.Commands;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>
/// <c>--compare-antialias 1,3,…</c>: every filter size is a surgery copy of the same weights measured on the
/// same views. BlurPool-1 is the identity filter (plain subsampling), so on vggsmall (MaxBlurPool: a dense
/// 2x2 max, then the filter with stride 2) its copy computes the very same logits as the model as given,
/// and every count of the measurement must agree exactly; a real blur (m = 3) must not.
/// </summary>
public class CompareAntialiasListTests
{
    /// <summary>
    /// Fresh vggsmall gives nearly the same logits to every image (the bias and the mean feature decide the
    /// class): centre each logit on its mean over <paramref name="data"/> and amplify, so top-1 classes follow
    /// the images and their shifts.
    /// </summary>
    private static Classifier Vgg(ImageDataset data)
    {
        var classifier = ClassifierLoader.Load("vggsmall", new ClassifierOptions(Classes: 10, Seed: 3));
        var parameters = classifier.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        using (classifier.EvalMode())
        {
            using var x = classifier.Normalize(data.Images);
            using var logits = classifier.Logits(x);
            using var mean = logits.mean([0]);
            parameters["classifier.bias"].sub_(mean);
            parameters["classifier.bias"].mul_(1000);
            parameters["classifier.weight"].mul_(1000);
        }
        return classifier;
    }

    [Fact]
    public void EachFilterSizeIsMeasuredOnTheSameViewsAndSizeOneIsTheBaseline()
    {
        using var data = MetricSanityTests.Noise(n: 16, side: 32);
        using var classifier = Vgg(data);
        var settings = new ShiftSettings(MaxShift: 4, Pairs: 3, Seed: 5);
        var result = new ShiftSensitivity(classifier, new ShiftOptions("zhang-circular", settings, [1, 3, 3, 0])).Run(data);
        Assert.Equal(new[] { 0, 1, 3 }, result.Measurements.Select(m => m.Antialias).Distinct());
        Assert.Equal(new[] { "baseline", "antialias-1", "antialias-3" }, result.Measurements.Select(m => m.Model).Distinct());
        var pairs = result.Measurements.Where(m => m.Kind == "pairs").ToDictionary(m => m.Antialias);
        var grids = result.Measurements.Where(m => m.Kind == "grid").ToDictionary(m => m.Antialias);
        Assert.All(pairs.Values, m => Assert.Equal(48, m.Pairs));
        Assert.True(pairs[0].PChange > 0, "the sharpened network should change some predictions");
        // m = 1: the identity filter, the same views: identical counts.
        Assert.Equal(pairs[0].PChange, pairs[1].PChange);
        Assert.Equal(pairs[0].Consistency, pairs[1].Consistency);
        Assert.Equal(pairs[0].Accuracy, pairs[1].Accuracy);
        Assert.Equal(grids[0].WorstCase, grids[1].WorstCase);
        Assert.Equal(pairs[0].Mac, pairs[1].Mac, 1e-6);
        // m = 3 blurs: its outputs differ.
        Assert.True(Math.Abs(pairs[3].Mac - pairs[0].Mac) > 1e-6, $"MAC {pairs[3].Mac} vs {pairs[0].Mac}");
        var headline = result.Headline();
        Assert.Equal(pairs[1].Consistency!.Value, (double)headline["aa1_consistency"]);
        Assert.Equal(pairs[3].Consistency!.Value, (double)headline["aa3_consistency"]);
        Assert.Equal(pairs[0].Consistency!.Value, (double)headline["consistency"]);
    }

    [Fact]
    public void SizeOneGivesTheBaselinePChangeOnAzulaySequences()
    {
        using var data = MetricSanityTests.Noise(n: 12, side: 32);
        using var classifier = Vgg(data);
        var result = new ShiftSensitivity(classifier, new ShiftOptions("azulay-black", new ShiftSettings(EmbedSide: 24), [5, 1])).Run(data);
        var byModel = result.Measurements.ToDictionary(m => m.Antialias);
        Assert.Equal(new[] { 0, 5, 1 }, result.Measurements.Select(m => m.Antialias));
        Assert.Equal(byModel[0].PChange, byModel[1].PChange);
        Assert.Equal(byModel[0].WorstCase, byModel[1].WorstCase);
        Assert.Equal(byModel[0].Pairs, byModel[5].Pairs);
    }

    [Theory]
    [InlineData("0", new int[0])]
    [InlineData("5", new[] { 5 })]
    [InlineData("1,2,3,4,5,6,7", new[] { 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData(" 3, 3 ,0,1", new[] { 3, 1 })]
    public void FilterSizeListsParse(string text, int[] expected) => Assert.Equal(expected, ShiftCommand.FilterSizes(text));

    [Theory]
    [InlineData("8")]
    [InlineData("1,-1")]
    [InlineData("1;2")]
    [InlineData("")]
    public void BadFilterSizeListsAreRefused(string text) => Assert.Throws<MyopiaException>(() => ShiftCommand.FilterSizes(text));

    [Fact]
    public void AnOutOfRangeSizeIsRefusedByTheAnalysis()
    {
        using var classifier = ClassifierLoader.Load("vggsmall", new ClassifierOptions(Classes: 10, Seed: 3));
        using var data = MetricSanityTests.Noise(n: 2, side: 32);
        Assert.Throws<MyopiaException>(() => new ShiftSensitivity(classifier, new ShiftOptions("zhang-circular", null, [2, 9])).Run(data));
    }
}
