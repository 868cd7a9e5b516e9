using Myopia.Experiments;
using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Experiments;

[Collection(GlobalTorchState.Name)]
public class SweepRunnerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-sweep-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private sealed class CountingExecutor(ISweepExecutor inner) : ISweepExecutor
    {
        public List<string> Ran { get; } = [];
        public void Execute(IReadOnlyList<SweepJob> jobs, CancellationToken cancel)
        {
            Ran.AddRange(jobs.Select(j => j.Point.Name));
            inner.Execute(jobs, cancel);
        }
    }

    private static SweepSpec Spec() => new()
    {
        Base = new TrainOptions { Data = "tiny", Epochs = 1, Batch = 16, Flip = false },
        Models = ["smallcnn"],
        Tiles = [8, 0],
        Seeds = [1, 2],
        PatchStride = 4,
    };

    [Fact]
    public void ASecondRunSkipsFinishedRunsAndRedoesOnlyWhatIsMissing()
    {
        var load = (TrainOptions _) => TinyData.Quadrants(train: 32, test: 16);
        var first = new CountingExecutor(new InProcessSweepExecutor(load));
        var runner = new SweepRunner(Spec(), root)
        {
            PatchEvaluator = (classifier, test, tile) =>
                new Myopia.Analysis.TileStudy.PatchAveragedEvaluator(classifier, new(tile, 4)).Run(test),
        };
        var result = runner.Run(first, load);
        Assert.Equal(4, first.Ran.Count);
        Assert.Equal(4, result.Rows.Count);
        Assert.All(result.Rows.Where(r => r.Tile == 8), r => Assert.NotNull(r.PatchAcc));
        // Mode B is also reported for the best epoch's checkpoint (the same result when best = final).
        Assert.All(result.Rows.Where(r => r.Tile == 8), r => Assert.NotNull(r.BestPatchAcc));
        Assert.All(result.Rows.Where(r => r.Tile == 8 && r.BestEpoch == r.Epochs), r => Assert.Equal(r.PatchAcc, r.BestPatchAcc));
        Assert.Contains("best_patch_acc", File.ReadAllLines(Path.Combine(root, SweepRunner.ResultsCsv))[0]);
        // The time mode B took is part of the results, beside the training time.
        Assert.EndsWith("seconds,patch_seconds", File.ReadAllLines(Path.Combine(root, SweepRunner.ResultsCsv))[0]);
        Assert.All(result.Rows.Where(r => r.Tile == 8), r => Assert.True(r.PatchSeconds > 0));
        Assert.All(result.Rows.Where(r => r.Tile == 0), r => Assert.Null(r.PatchSeconds));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(root, SweepRunner.ResultsCsv)).Length);

        // The sweep's figures and report come from its results and the runs' summaries.
        Myopia.Reporting.SweepFigures.Write(result, Myopia.Analysis.TileStudy.PatchErrorPresets.Get("synthetic"), imageSide: 16);
        Myopia.Reporting.SweepFigures.WriteReport(result, Spec());
        foreach (var figure in new[] { Myopia.Reporting.SweepFigures.ErrorFigure, Myopia.Reporting.SweepFigures.LossFigure, Myopia.Reporting.SweepFigures.AccuracyFigure })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(root, figure)).Take(4).ToArray());
        var report = File.ReadAllText(Path.Combine(root, "report.md"));
        Assert.Contains("| smallcnn | 8 | 2 |", report);
        Assert.Contains("## Conclusion", report);
        Assert.Contains("mode A on 16 test images", report);

        var second = new CountingExecutor(new InProcessSweepExecutor(load));
        Assert.Equal(0, runner.Run(second, load).Ran);
        Assert.Empty(second.Ran);

        File.Delete(Path.Combine(root, "runs", "smallcnn-t8-s2", "summary.json"));
        var third = new CountingExecutor(new InProcessSweepExecutor(load));
        runner.Run(third, load);
        Assert.Equal(["smallcnn-t8-s2"], third.Ran);
    }

    [Fact]
    public void ModeBOfTheBestEpochComesFromBestPtNotTheFinalCheckpoint()
    {
        // Two epochs; then one run's best epoch is set to the first and its best.pt replaced by
        // different weights, so the best-epoch mode B can only match if it really reads best.pt.
        var load = (TrainOptions _) => TinyData.Quadrants(train: 32, test: 16);
        var spec = Spec() with { Base = Spec().Base with { Epochs = 2 }, Tiles = [8], Seeds = [1] };
        Func<Myopia.Classifiers.Classifier, Myopia.Data.ImageDataset, int, Myopia.Evaluation.EvaluationResult?> modeB =
            (classifier, test, tile) => new Myopia.Analysis.TileStudy.PatchAveragedEvaluator(classifier, new(tile, 4)).Run(test);
        var runner = new SweepRunner(spec, root) { PatchEvaluator = modeB };
        runner.Run(new InProcessSweepExecutor(load), load);

        var run = Path.Combine(root, "runs", "smallcnn-t8-s1");
        var summaryPath = Path.Combine(run, "summary.json");
        var summary = Myopia.IO.JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(summaryPath));
        Myopia.IO.JsonOutput.WriteFile(summaryPath, summary with { Best = summary.History[0] });
        var bestPath = Path.Combine(run, Checkpoint.BestFileName);
        var (info, _) = Checkpoint.Load(bestPath);
        TorchSharp.torch.manual_seed(1234);
        using (var other = Myopia.Models.ModelRegistry.Create("smallcnn", info.Classes, info.Channels))
            Checkpoint.Save(bestPath, info with { CompletedEpochs = 1 }, other, null);
        foreach (var cache in Directory.GetFiles(run, "patch-eval*.json")) File.Delete(cache);

        var row = runner.Run(new InProcessSweepExecutor(load), load).Rows.Single();
        Assert.Equal(1, row.BestEpoch);
        using var data = load(spec.Base);
        using var best = Myopia.Classifiers.ClassifierLoader.Load(bestPath);
        using var final = Myopia.Classifiers.ClassifierLoader.Load(Path.Combine(run, Checkpoint.FileName));
        var expectedBest = modeB(best, data.Test, 8)!;
        var expectedFinal = modeB(final, data.Test, 8)!;
        var cachedBest = Myopia.IO.JsonOutput.Deserialize<Myopia.Evaluation.EvaluationResult>(File.ReadAllText(Path.Combine(run, "patch-eval-best.json")));
        Assert.Equal(expectedBest.Loss, cachedBest.Loss, 5);
        Assert.NotEqual(expectedFinal.Loss, cachedBest.Loss, 3);
        Assert.Equal(expectedBest.Top1, row.BestPatchAcc);
        Assert.Equal(expectedFinal.Top1, row.PatchAcc);
    }

    private sealed class SkippingExecutor(ISweepExecutor inner, string skip) : ISweepExecutor
    {
        public void Execute(IReadOnlyList<SweepJob> jobs, CancellationToken cancel) =>
            inner.Execute(jobs.Where(j => j.Point.Name != skip).ToList(), cancel);
    }

    [Fact]
    public void ARunThatDidNotFinishIsReportedAsFailed()
    {
        var load = (TrainOptions _) => TinyData.Quadrants(train: 32, test: 16);
        var result = new SweepRunner(Spec() with { PatchStride = 0 }, root).Run(new SkippingExecutor(new InProcessSweepExecutor(load), "smallcnn-full-s1"), load);
        Assert.Equal(["smallcnn-full-s1"], result.Failed);
        Assert.Equal(3, result.Rows.Count);
        Assert.Equal(3, result.Ran);
    }

    [Fact]
    public void ADifferentSweepInTheSameFolderIsRefused()
    {
        var load = (TrainOptions _) => TinyData.Quadrants(train: 32, test: 16);
        new SweepRunner(Spec() with { Tiles = [8], Seeds = [1] }, root).Run(new InProcessSweepExecutor(load), load);
        var e = Assert.Throws<MyopiaException>(() => new SweepRunner(Spec(), root).Run(new InProcessSweepExecutor(load), load));
        Assert.Contains("different sweep", e.Message);
    }

    [Fact]
    public void ExtraAxesMultiplyThePointsAndSetTheOption()
    {
        var spec = Spec() with { Axes = new() { ["lr"] = [System.Text.Json.JsonDocument.Parse("0.001").RootElement, System.Text.Json.JsonDocument.Parse("0.01").RootElement] } };
        var points = spec.Points().ToList();
        Assert.Equal(8, points.Count);
        Assert.Contains(points, p => p.Options.Lr == 0.01 && p.Options.Tile == 8);
    }
}
