using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Training;

[Collection(GlobalTorchState.Name)]
public class EvaluationScheduleTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-evalevery-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static TrainOptions Options(int epochs, int evalEvery) => new()
    {
        Data = "tiny", Model = "smallcnn", Tile = 12, Epochs = epochs, Batch = 16, Seed = 5, Schedule = "cosine",
        EvalBatch = 32, Flip = false, EvalEvery = evalEvery, Precision = "fp32", MemoryFormat = "contiguous",
    };

    [Fact]
    public void EveryNthAndTheFinalEpochAreEvaluatedAndOnlyTheyCanBeBest()
    {
        using var data = TinyData.Quadrants();
        var dir = Path.Combine(root, "every2");
        var result = new Trainer(Options(5, 2), data, dir).Run();

        Assert.Equal([false, true, false, true, true], result.History.Select(h => h.Evaluated));
        Assert.Equal(5, result.Final!.Epoch);
        Assert.Contains(result.Best!.Epoch, new[] { 2, 4, 5 });
        Assert.Equal(result.Best.Epoch, Checkpoint.ReadInfo(Path.Combine(dir, Checkpoint.BestFileName)).CompletedEpochs);
        var rows = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.EndsWith(",,,", rows[1][..rows[1].LastIndexOf(',', rows[1].LastIndexOf(',') - 1)]); // epoch 1: empty test columns
        Assert.DoesNotContain(",,", rows[2]);
        Assert.Contains("not evaluated", File.ReadAllText(Path.Combine(dir, "report.md")));
    }

    [Fact]
    public void SkippingEvaluationsDoesNotChangeTheTraining()
    {
        using var data = TinyData.Quadrants();
        var every = new Trainer(Options(3, 1), data, Path.Combine(root, "every1")).Run();
        var once = new Trainer(Options(3, 3), data, Path.Combine(root, "every3")).Run();
        for (int e = 0; e < 3; e++) Assert.Equal(every.History[e].TrainLoss, once.History[e].TrainLoss, 6);
        Assert.Equal(every.Final!.TestLoss, once.Final!.TestLoss, 6);
    }

    [Fact]
    public void TheRunRecordsHowItComputedAndAResumeKeepsIt()
    {
        using var data = TinyData.Quadrants();
        var dir = Path.Combine(root, "compute");
        var first = new Trainer(Options(1, 1) with { Precision = "bf16", MemoryFormat = "channels-last" }, data, dir).Run();
        Assert.Equal(new TrainingCompute("bf16", "requested", "channels-last", "requested"), first.Compute);
        Assert.Equal(first.Compute, Checkpoint.ReadInfo(Path.Combine(dir, Checkpoint.FileName)).Compute);
        Assert.Contains("Computed in bf16", File.ReadAllText(Path.Combine(dir, "report.md")));

        // Extending the finished run: the options must match, and the recorded precision and layout carry on.
        var extended = new Trainer(Options(2, 1) with { Precision = "bf16", MemoryFormat = "channels-last" }, data, dir).Run(resume: true);
        Assert.Equal(first.Compute, extended.Compute);
        Assert.Equal(2, extended.History.Count);
    }

    [Fact]
    public void AnAutomaticLayoutIsMeasuredWithoutChangingTheRun()
    {
        using var data = TinyData.Quadrants();
        var fixedLayout = new Trainer(Options(1, 1), data, Path.Combine(root, "fixed")).Run();
        var measured = new Trainer(Options(1, 1) with { MemoryFormat = "auto" }, data, Path.Combine(root, "auto")).Run();
        Assert.StartsWith("automatic: ", measured.Compute!.MemoryFormatReason);
        // The probe runs on a throwaway network and restores the random state: the run starts from the same weights.
        Assert.Equal(fixedLayout.History[0].TrainLoss, measured.History[0].TrainLoss, 3);
    }

    [Fact]
    public void EvalEveryBelowOneIsRefused()
    {
        var e = Assert.Throws<MyopiaException>(() => Options(2, 0).Validate());
        Assert.Contains("--eval-every", e.Message);
    }
}
