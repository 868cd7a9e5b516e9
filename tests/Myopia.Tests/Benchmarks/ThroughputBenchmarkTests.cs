using Myopia.IO;
using Myopia.Benchmarks;
using Myopia.Reporting;

namespace Myopia.Tests.Benchmarks;

/// <summary>Shape and plumbing of the throughput benchmark (speed itself is never asserted).</summary>
public class ThroughputBenchmarkTests
{
    private static readonly ThroughputOptions Tiny = new() { Model = "smallcnn", Tile = 8, Batch = 4, Steps = 1, Warmup = 0 };

    [Fact]
    public void MeasuresBothPhasesAndReportsTheNetwork()
    {
        var result = new ThroughputBenchmark(Tiny).Run();
        Assert.Equal("myopia", result.Peer);
        Assert.Equal("smallcnn", result.Model);
        Assert.Equal(242_474, result.Params);
        Assert.True(result.Threads >= 1);
        // The rates are the timed images over the timed seconds: warm-up excluded, nothing double-counted.
        Assert.Equal(Tiny.Batch * Tiny.Steps, result.TimedImages);
        Assert.Equal(result.TimedImages!.Value / result.TrainSeconds!.Value, result.TrainImgS, 0.051 + 1e-9 * result.TrainImgS);
        Assert.Equal(result.TimedImages!.Value / result.EvalSeconds!.Value, result.EvalImgS, 0.051 + 1e-9 * result.EvalImgS);
    }

    [Fact]
    public void MoreTimedStepsCountMoreImagesAndWarmUpCountsNone()
    {
        var longer = new ThroughputBenchmark(Tiny with { Steps = 3, Warmup = 2 }).Run();
        Assert.Equal(Tiny.Batch * 3, longer.TimedImages);
    }

    [Fact]
    public void JsonHasTheKeysOfTheReferenceScript()
    {
        var json = JsonOutput.Serialize(new ThroughputBenchmark(Tiny).Run(), indented: false);
        foreach (var key in new[] { "peer", "model", "tile", "batch", "params", "train_img_s", "eval_img_s", "threads", "torch" })
            Assert.Contains($"\"{key}\":", json);
    }

    [Fact]
    public void ImpossibleSettingsAreUserErrors()
    {
        Assert.Throws<MyopiaException>(() => new ThroughputBenchmark(Tiny with { Tile = 4 }).Run());
        Assert.Throws<MyopiaException>(() => new ThroughputBenchmark(Tiny with { Batch = 1 }).Run());
        Assert.Throws<MyopiaException>(() => new ThroughputBenchmark(Tiny with { Model = "nope" }).Run());
    }
}
