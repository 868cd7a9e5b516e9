using Myopia.Tests.Infrastructure;
using Myopia.Analysis.TileStudy;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.TileStudy;

/// <summary>
/// Every tile-study analysis runs the network in eval mode (batch-norm uses, and never updates, its
/// running statistics) and hands the model back in the mode it was given.
/// </summary>
public class AnalysesLeaveTheModelAloneTests
{
    public static TheoryData<string> Analyses => ["heatmap", "dense", "patch-averaged", "full-image", "mean-logits", "agreement"];

    [Theory]
    [MemberData(nameof(Analyses))]
    public void ModelKeepsItsModeAndItsBatchNormStatistics(string analysis)
    {
        manual_seed(31);
        using var model = ModelRegistry.Create("smallcnn", 3);
        model.train();
        var before = model.named_buffers().Select(b => (b.name, value: b.buffer.clone())).ToList();
        var pixels = randint(0, 256, [2, 3, 12, 12], dtype: ScalarType.Byte);
        using var data = new ImageDataset("random", pixels, tensor(new long[] { 0, 2 }), ["a", "b", "c"]);
        var norm = new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
        using var classifier = TestClassifiers.Of(model, norm, data.ClassNames);
        switch (analysis)
        {
            case "heatmap": new TileHeatmap(classifier, new TileHeatmapOptions(6)).Run(data); break;
            case "dense": new TileHeatmap(classifier, new TileHeatmapOptions(6, Mode: HeatmapMode.Dense)).Run(data); break;
            case "patch-averaged": new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(8)).Run(data); break;
            case "full-image": new Myopia.Evaluation.FullImageEvaluator(classifier).Run(data); break;
            case "mean-logits":
                using (var x = randn(2, 3, 12, 12))
                using (var logits = new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(8)).MeanLogits(x))
                    Assert.False(logits.requires_grad);
                break;
            case "agreement": new TileAgreement(classifier, new TileAgreementOptions([6, 10])).Run(data); break;
        }
        Assert.True(model.training, $"{analysis} left the model in eval mode");
        foreach (var (name, value) in before)
        {
            var now = model.named_buffers().Single(b => b.name == name).buffer;
            Assert.True(now.eq(value).all().item<bool>(), $"{analysis} changed batch-norm buffer {name}");
        }
    }
}
