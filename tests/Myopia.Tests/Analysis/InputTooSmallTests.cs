using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Evaluation;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis;

/// <summary>
/// Inputs smaller than a network accepts are refused by the analyses themselves, naming the smallest
/// side, rather than failing inside libtorch; a TorchScript model's own failure becomes one line.
/// </summary>
public class InputTooSmallTests
{
    private static Classifier Resnet9(DatasetSplits data) =>
        ClassifierLoader.Load("resnet9", new ClassifierOptions(Classes: data.Test.ClassCount), DataDefaults.Of(data));

    public static TheoryData<string> Analyses() => new() { "heatmap", "dense", "patches", "agreement" };

    [Theory]
    [MemberData(nameof(Analyses))]
    public void ATileBelowTheNetworksSmallestInputIsRefusedWithThatSide(string analysis)
    {
        using var data = TinyData.Quadrants(train: 8, test: 4);
        using var classifier = Resnet9(data);
        Action run = analysis switch
        {
            "heatmap" => () => new TileHeatmap(classifier, new TileHeatmapOptions(4)).Run(data.Test),
            "dense" => () => new TileHeatmap(classifier, new TileHeatmapOptions(4, Mode: HeatmapMode.Dense)).Run(data.Test),
            "patches" => () => new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(4)).Run(data.Test),
            _ => () => new TileAgreement(classifier, new TileAgreementOptions([8, 4])).Run(data.Test),
        };
        var e = Assert.Throws<MyopiaException>(run);
        if (analysis != "dense") Assert.Contains("tile 4 is too small for resnet9", e.Message);
        Assert.Contains(analysis == "dense" ? "global average pooling" : "8x8", e.Message);
    }

    [Fact]
    public void ImagesBelowTheNetworksSmallestInputAreRefused()
    {
        using var data = TinyData.Quadrants(train: 8, test: 4);
        using var small = new ImageDataset("tiny4", data.Test.Images.narrow(2, 0, 4).narrow(3, 0, 4).contiguous(), data.Test.Labels.clone(), data.Test.ClassNames);
        using var classifier = Resnet9(data);
        var e = Assert.Throws<MyopiaException>(() => new FullImageEvaluator(classifier, new FullImageOptions()).Run(small));
        Assert.Contains("image side of tiny4 (4x4), 4 is too small for resnet9", e.Message);
    }

    [Fact]
    public void AtTheSmallestSideTheAnalysesRun()
    {
        using var data = TinyData.Quadrants(train: 8, test: 2);
        using var classifier = Resnet9(data);
        var r = new TileHeatmap(classifier, new TileHeatmapOptions(8, Stride: 4)).Run(data.Test);
        Assert.Equal(2, r.Images.Count);
    }

    [Fact]
    public void ATorchScriptModelThatCannotTakeTheImagesFailsInOneLine()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inspection", "Assets", "linrelu.script.dat");
        using var data = TinyData.Quadrants(train: 8, test: 4);
        using var scripted = ClassifierLoader.Load(path, new ClassifierOptions(Classes: 4), DataDefaults.Of(data));
        var e = Assert.Throws<MyopiaException>(() => new FullImageEvaluator(scripted, new FullImageOptions()).Run(data.Test));
        Assert.Contains("failed on full images (16x16 images)", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
