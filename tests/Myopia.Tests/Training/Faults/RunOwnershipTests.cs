using System.Diagnostics;
using System.Globalization;
using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Training.Faults;

/// <summary>One process trains into a run folder at a time; a lock left by a dead process is taken over; sweep children die with their sweep.</summary>
public class RunOwnershipTests : IDisposable
{
    private const string Data = TrainingRunFixture.Data;
    private readonly string root = Directory.CreateTempSubdirectory("myopia-lock-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static void WriteLock(string dir, int pid, DateTime startedUtc)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, RunLock.FileName), $"{pid} {startedUtc.ToString("o", CultureInfo.InvariantCulture)}\n");
    }

    [Fact]
    public void ASecondProcessIsRefusedWhileTheHolderLives()
    {
        var dir = Path.Combine(root, "busy");
        using var self = Process.GetCurrentProcess(); // this test process plays the live holder
        WriteLock(dir, self.Id, self.StartTime.ToUniversalTime());

        var outcome = CliProcess.Run("train", "--data", Data, "--epochs", "1", "--batch", "32", "--threads", "1", "--out", dir);

        Assert.Equal(2, outcome.ExitCode);
        var error = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", error);
        Assert.Contains($"in use by another training process (PID {self.Id}", error);
        Assert.False(File.Exists(Path.Combine(dir, Checkpoint.FileName)));
        Assert.True(File.Exists(Path.Combine(dir, RunLock.FileName))); // the holder's lock is left alone
    }

    [Fact]
    public void AStaleLockOfADeadProcessIsTakenOverWithAMessage()
    {
        var dir = Path.Combine(root, "stale");
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        WriteLock(dir, gone.Id, DateTime.UtcNow.AddMinutes(-5));

        var outcome = CliProcess.Run("train", "--data", Data, "--epochs", "1", "--batch", "32", "--threads", "1", "--out", dir);

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains($"took over {RunLock.FileName} in {dir} from process {gone.Id}, which is no longer running", outcome.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, RunLock.FileName)));
        Assert.Equal(1, Checkpoint.ReadInfo(Path.Combine(dir, Checkpoint.FileName)).CompletedEpochs);
    }

    [Fact]
    public void ARecycledPidWithAnotherStartTimeIsNotTakenForTheHolder()
    {
        var dir = Path.Combine(root, "recycled");
        using var self = Process.GetCurrentProcess(); // alive, but not the process that wrote the lock a day earlier
        WriteLock(dir, self.Id, self.StartTime.ToUniversalTime().AddDays(-1));

        var outcome = CliProcess.Run("train", "--data", Data, "--epochs", "1", "--batch", "32", "--threads", "1", "--out", dir);

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains("took over", outcome.Stderr);
    }

    [Fact]
    public void ASweepChildStopsAndSavesWhenItsSweepIsKilled()
    {
        var sweepDir = Path.Combine(root, "sweep");
        using var sweep = CliProcess.Start(null, root, "sweep", "--data", "synthetic:train_count=384,test_count=32,image_size=16,motif_size=4",
            "--models", "smallcnn", "--tiles", "full", "--seeds", "1", "--epochs", "200", "--batch", "32", "--patch-stride", "0",
            "--jobs", "1", "--threads", "1", "--out", sweepDir);
        _ = sweep.StandardOutput.ReadToEndAsync();
        _ = sweep.StandardError.ReadToEndAsync();
        var runs = Path.Combine(sweepDir, "runs");
        string? checkpoint = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (checkpoint is null && DateTime.UtcNow < deadline)
        {
            checkpoint = Directory.Exists(runs) ? Directory.GetFiles(runs, Checkpoint.FileName, SearchOption.AllDirectories).FirstOrDefault() : null;
            Thread.Sleep(50);
        }
        Assert.NotNull(checkpoint); // the child finished its first epoch
        var runDir = Path.GetDirectoryName(checkpoint)!;
        int childPid = int.Parse(File.ReadAllText(Path.Combine(runDir, RunLock.FileName)).Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(CliProcess.IsRunning(childPid));

        sweep.Kill(); // SIGKILL: the sweep gets no chance to stop its children
        sweep.WaitForExit();

        var stopBy = DateTime.UtcNow.AddSeconds(30);
        while (CliProcess.IsRunning(childPid) && DateTime.UtcNow < stopBy) Thread.Sleep(50);
        Assert.False(CliProcess.IsRunning(childPid), "the orphaned child kept training");
        Assert.False(File.Exists(Path.Combine(runDir, RunLock.FileName)));
        var info = Checkpoint.ReadInfo(checkpoint);
        // It stopped through its cancellation (saving a partial epoch), not by dying: its output went to the dead sweep's pipe.
        Assert.NotNull(info.Partial);
        Assert.True(info.CompletedEpochs < 200);
    }
}
