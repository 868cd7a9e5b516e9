using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Training.Faults;

/// <summary>SIGTERM (kill, systemd, Slurm) saves progress like Ctrl-C, and the printed hint resumes the run exactly.</summary>
public class SigtermTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-sigterm-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void SigtermSavesAPartialEpochAndTheHintResumesFromIt()
    {
        var dir = Path.Combine(root, "run");
        using var process = CliProcess.Start(null, root, "train", "--data", "synthetic:train_count=384,test_count=32,image_size=16,motif_size=4",
            "--epochs", "3", "--batch", "32", "--threads", "1", "--out", dir);
        var stderr = process.StandardError.ReadToEndAsync();
        var checkpoint = Path.Combine(dir, Checkpoint.FileName);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(checkpoint) && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(File.Exists(checkpoint), "epoch 1 did not finish in time");

        CliProcess.Signal(process.Id, "TERM"); // in epoch 2 of 3
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));
        var log = stderr.Result;

        Assert.Equal(143, process.ExitCode); // 128 + SIGTERM, as a shell reports it
        var info = Checkpoint.ReadInfo(checkpoint);
        Assert.Equal(1, info.CompletedEpochs);
        Assert.NotNull(info.Partial);
        Assert.Equal(1, info.Partial!.Epoch); // zero-based: epoch 2
        Assert.False(File.Exists(Path.Combine(dir, RunLock.FileName)));

        // The hint is a command line; running it verbatim must continue the run to its own 3 epochs.
        var hint = log.Split('\n').Single(l => l.Contains("continue with: myopia train"));
        var args = hint[(hint.IndexOf("myopia train", StringComparison.Ordinal) + "myopia ".Length)..].Trim().Split(' ');
        Assert.Equal(["train", "--out", dir, "--resume"], args);
        var resumed = CliProcess.RunIn(root, args);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"resuming {dir} in epoch 2, batch {info.Partial.NextBatch}", resumed.Stderr);
        var done = Checkpoint.ReadInfo(checkpoint);
        Assert.Equal(3, done.CompletedEpochs);
        Assert.Null(done.Partial);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
    }
}
