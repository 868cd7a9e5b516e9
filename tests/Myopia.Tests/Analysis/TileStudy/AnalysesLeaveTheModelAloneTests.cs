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
    public static TheoryData<string> Analyses => ["heatmap", "dense", "patch-averaged", "mean-logits", "agreement"];

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
        switch (analysis)
        {
            case "heatmap": new TileHeatmap(model, norm, new TileHeatmapOptions(6)).Compute(data); break;
            case "dense": new TileHeatmap(model, norm, new TileHeatmapOptions(6)).ComputeDense(data); break;
            case "patch-averaged": new PatchAveragedEvaluator(model, norm, 8).Evaluate(data); break;
            case "mean-logits":
                using (var x = randn(2, 3, 12, 12))
                using (var logits = new PatchAveragedEvaluator(model, norm, 8).MeanLogits(x))
                    Assert.False(logits.requires_grad);
                break;
            case "agreement": new TileAgreement(model, norm).Measure(data, [6, 10]); break;
        }
        Assert.True(model.training, $"{analysis} left the model in eval mode");
        foreach (var (name, value) in before)
        {
            var now = model.named_buffers().Single(b => b.name == name).buffer;
            Assert.True(now.eq(value).all().item<bool>(), $"{analysis} changed batch-norm buffer {name}");
        }
    }
}
