using Myopia.Analysis.TileStudy;
using Myopia.Models;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Analysis.TileStudy;

/// <summary>With a sink, a tile heatmap hands over each image's maps as it goes and keeps none; the maps and the statistics are those of the kept result.</summary>
public class HeatmapStreamingTests
{
    [Theory]
    [InlineData(HeatmapMode.Exact)]
    [InlineData(HeatmapMode.Dense)]
    public void StreamedMapsEqualKeptOnesAndTheResultHoldsNone(HeatmapMode mode)
    {
        using var data = TinyData.Quadrants(train: 8, test: 6);
        using var model = ModelRegistry.Create("smallcnn", classes: 4);
        using var classifier = TestClassifiers.Of(model, data.Normalization, data.Test.ClassNames);
        // A small patch batch makes several chunks, so images arrive over several calls.
        var options = new TileHeatmapOptions(8, Stride: 2, PatchBatch: 16, Mode: mode);
        var kept = new TileHeatmap(classifier, options).Run(data.Test);
        var streamed = new List<ImageHeatmap>();
        var result = new TileHeatmap(classifier, options) { Sink = streamed.Add }.Run(data.Test);

        Assert.Empty(result.Images);
        Assert.Equal(6, result.ImageCount);
        Assert.Equal(6, result.Headline()["images"]);
        Assert.Equal(kept.Images.Select(m => m.Index), streamed.Select(m => m.Index));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(kept.Images[i].ClassMap, streamed[i].ClassMap);
            Assert.Equal(kept.Images[i].Probability, streamed[i].Probability);
        }
    }

    [Fact]
    public void RunningAgreementAndEvidenceEqualTheWholeResultOnes()
    {
        using var data = TinyData.Quadrants(train: 8, test: 5);
        using var model = ModelRegistry.Create("smallcnn", classes: 4);
        using var classifier = TestClassifiers.Of(model, data.Normalization, data.Test.ClassNames);
        var exact = new TileHeatmap(classifier, new TileHeatmapOptions(8, Stride: 2)).Run(data.Test);
        var dense = new TileHeatmap(classifier, new TileHeatmapOptions(8, Mode: HeatmapMode.Dense)).Run(data.Test);
        var tally = new HeatmapAgreement();
        for (int i = 0; i < 5; i++) tally.Add(exact.Images[i], dense.Images[i]);
        Assert.Equal(TileHeatmap.Agreement(exact, dense), tally.Result);

        var boxes = Enumerable.Range(0, 5).Select(i => (IReadOnlyList<ObjectBox>)[new ObjectBox(i, i, 3)]).ToList();
        var evidence = new EvidenceTally(8);
        for (int i = 0; i < 5; i++) evidence.Add(exact.Images[i], boxes[i]);
        Assert.Equal(EvidenceLocalizer.Measure(exact.Images, boxes, 8), evidence.Result);
    }
}
