using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Training.Faults;

/// <summary>
/// `train --resume` takes every option from the checkpoint; only threads, device and data location may change,
/// and --epochs only extends a finished run, saying so. An existing run is never replaced without --force.
/// </summary>
public class ResumeOptionsTests(TrainingRunFixture reference) : IClassFixture<TrainingRunFixture>
{
    private static CheckpointInfo Saved(int completed, int epochs, PartialEpoch? partial = null) => new()
    {
        Model = "smallcnn", Classes = 10, Channels = 3, ImageHeight = 16, ImageWidth = 16,
        ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")],
        Normalization = new Myopia.Data.Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]), Dataset = "synthetic",
        Options = new TrainOptions { Epochs = epochs, Lr = 0.01, Schedule = "cosine", Threads = 2 },
        CompletedEpochs = completed, Partial = partial,
        History = [.. Enumerable.Range(1, completed).Select(e => new EpochMetrics(e, 0.01, 1, 0.5, 1, 0.5, 0.9, 100, 1))],
    };

    [Fact]
    public void WithoutExplicitOptionsTheRunsOwnOptionsAreUsedEvenWhereTheDefaultsDiffer()
    {
        var saved = Saved(completed: 1, epochs: 4);
        var resolved = ResumeRules.Resolve(saved, new TrainOptions(), new HashSet<string>(), "run");
        Assert.Equal(Myopia.IO.JsonOutput.Serialize(saved.Options), Myopia.IO.JsonOutput.Serialize(resolved));
        Assert.Equal(4, resolved.Epochs); // not the CLI default of 10: that would extend the run and change its schedule
    }

    [Fact]
    public void EveryDifferingExplicitOptionIsNamed()
    {
        var requested = new TrainOptions { Model = "resnet18", Lr = 0.1, Epochs = 4 };
        var e = Assert.Throws<MyopiaException>(() =>
            ResumeRules.Resolve(Saved(1, 4), requested, new HashSet<string> { "model", "lr", "epochs" }, "run"));
        Assert.Contains("--model resnet18 (the run's: smallcnn)", e.Message);
        Assert.Contains("--lr 0.1 (the run's: 0.01)", e.Message);
        Assert.DoesNotContain("--epochs", e.Message); // the same value as the run's
    }

    [Fact]
    public void ThreadsDeviceAndDataDirMayChange()
    {
        var requested = new TrainOptions { Threads = 1, Device = "cpu", DataDir = "/elsewhere" };
        var resolved = ResumeRules.Resolve(Saved(1, 4), requested, new HashSet<string> { "threads", "device", "data_dir" }, "run");
        Assert.Equal(Myopia.IO.JsonOutput.Serialize(Saved(1, 4).Options with { Threads = 1, DataDir = "/elsewhere" }), Myopia.IO.JsonOutput.Serialize(resolved));
    }

    [Fact]
    public void EpochsExtendOnlyAFinishedRunAndSaySo()
    {
        var said = new List<string>();
        var extended = ResumeRules.Resolve(Saved(4, 4), new TrainOptions { Epochs = 6 }, new HashSet<string> { "epochs" }, "run", said.Add);
        Assert.Equal(6, extended.Epochs);
        Assert.Contains("extending the finished run in run from 4 to 6 epochs", Assert.Single(said));

        var unfinished = Assert.Throws<MyopiaException>(() =>
            ResumeRules.Resolve(Saved(2, 4), new TrainOptions { Epochs = 6 }, new HashSet<string> { "epochs" }, "run"));
        Assert.Contains("is not finished (2 of 4 epochs)", unfinished.Message);
        var shorter = Assert.Throws<MyopiaException>(() =>
            ResumeRules.Resolve(Saved(4, 4), new TrainOptions { Epochs = 3 }, new HashSet<string> { "epochs" }, "run"));
        Assert.Contains("would shorten", shorter.Message);
    }

    [Fact]
    public void TheCliRefusesAResumeWithAnotherModel()
    {
        var dir = Path.Combine(reference.Root, "other-model");
        CopyRun(reference.Straight, dir);
        var before = File.ReadAllBytes(Path.Combine(dir, Checkpoint.FileName));

        var outcome = CliProcess.Run("train", "--out", dir, "--resume", "--model", "resnet18");

        Assert.Equal(2, outcome.ExitCode);
        var error = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", error);
        Assert.Contains("--model resnet18 (the run's: smallcnn)", error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, Checkpoint.FileName)));
    }

    [Fact]
    public void AnExistingRunIsNotReplacedWithoutForceAndForceSaysWhatItReplaces()
    {
        var dir = Path.Combine(reference.Root, "existing");
        CopyRun(reference.Straight, dir);
        var checkpoint = File.ReadAllBytes(Path.Combine(dir, Checkpoint.FileName));
        var metrics = File.ReadAllBytes(Path.Combine(dir, "metrics.csv"));
        string[] args = ["train", "--data", TrainingRunFixture.Data, "--epochs", "1", "--batch", "32", "--threads", "1", "--out", dir];

        var refused = CliProcess.Run(args);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already holds a training run (checkpoint.pt, best.pt, metrics.csv, summary.json, report.md, curves.png, config.json)", refused.Stderr);
        Assert.Contains("--resume", refused.Stderr);
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(dir, Checkpoint.FileName)));
        Assert.Equal(metrics, File.ReadAllBytes(Path.Combine(dir, "metrics.csv")));

        var forced = CliProcess.Run([.. args, "--force"]);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Contains($"--force: starting over in {dir}; deleting the previous run's checkpoint.pt, best.pt, metrics.csv", forced.Stderr);
        Assert.Equal(1, Checkpoint.ReadInfo(Path.Combine(dir, Checkpoint.FileName)).CompletedEpochs);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
    }

    [Fact]
    public void TheCliExtendsAFinishedRunOnlyWhenToldAndSaysSo()
    {
        var dir = Path.Combine(reference.Root, "extended");
        CopyRun(reference.Straight, dir);

        var outcome = CliProcess.Run("train", "--out", dir, "--resume", "--epochs", "3");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains($"extending the finished run in {dir} from 2 to 3 epochs", outcome.Stderr);
        var info = Checkpoint.ReadInfo(Path.Combine(dir, Checkpoint.FileName));
        Assert.Equal(3, info.CompletedEpochs);
        Assert.Equal(3, info.Options.Epochs);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
    }

    private static void CopyRun(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
