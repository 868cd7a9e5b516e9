using System.Diagnostics;
using Myopia.Cli.Slurm;
using Myopia.Experiments;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using Xunit.Abstractions;

namespace Myopia.Tests.Experiments.Slurm;

/// <summary>
/// <c>sweep --executor slurm</c> against a real single-node Slurm (<see cref="LocalSlurmCluster"/>):
/// an array of tiny synthetic runs gives the local executor's results; a task cancelled mid-run is
/// resubmitted by a re-run and resumes from its checkpoint; one warned of its time limit (USR2) checkpoints,
/// requeues itself and resumes; a failing run is named with its log, exit 2.
/// </summary>
[Collection(LocalSlurmCollection.Name)]
public sealed class SlurmSweepTests(LocalSlurmCluster cluster, ITestOutputHelper output) : IDisposable
{
    private const string TinyData = "synthetic:train_count=64,test_count=32,image_size=16,motif_size=4";
    private const string LongerData = "synthetic:train_count=384,test_count=32,image_size=16,motif_size=4";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private readonly string root = Directory.CreateTempSubdirectory("myopia-slurm-sweep-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { /* a task's last write; the temp folder is cleaned later */ }
    }

    private static string[] Sweep(string dir, string data, string tiles, int epochs, params string[] more) =>
        ["sweep", "--data", data, "--models", "smallcnn", "--tiles", tiles, "--seeds", "1", "--epochs", epochs.ToString(), "--batch", "32",
         "--patch-stride", "4", "--threads", "1", "--out", dir, .. more];

    private CliProcess.Outcome Myopia(bool onCluster, params string[] args)
    {
        using var process = CliProcess.Start(onCluster ? cluster.Environment : null, root, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"myopia {string.Join(' ', args)} did not end within {Limit}; stderr: {stderr.Result}");
        }
        process.WaitForExit();
        output.WriteLine($"$ myopia {string.Join(' ', args)}  -> exit {process.ExitCode}\n{stderr.Result}");
        return new CliProcess.Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void WaitFor(Func<bool> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {seconds} s");
            Thread.Sleep(50);
        }
    }

    // results.csv without the columns that hold wall-clock times.
    private static List<string> ResultsWithoutTimes(string sweepDir)
    {
        var lines = File.ReadAllLines(Path.Combine(sweepDir, SweepRunner.ResultsCsv));
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] is not ("seconds" or "patch_seconds")).ToArray();
        return lines.Select(l => string.Join(',', keep.Select(i => l.Split(',')[i]))).ToList();
    }

    private static List<string> Layout(string sweepDir) =>
        Directory.GetFiles(sweepDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(sweepDir, f))
            .Where(f => !f.StartsWith(SlurmSubmissions.Folder + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    [SlurmFact]
    public void ThreeTinyRunsSubmittedAsOneArrayGiveTheLocalExecutorsResults()
    {
        var onSlurm = Path.Combine(root, "slurm");
        var clock = Stopwatch.StartNew();
        var submitted = Myopia(true, Sweep(onSlurm, TinyData, "8,12,full", 2, "--executor", "slurm", "--no-wait", "--json"));
        Assert.Equal(0, submitted.ExitCode);
        var submission = Assert.Single(SlurmSubmissions.Read(onSlurm));
        Assert.Equal([0, 1, 2], submission.Indices);
        Assert.Equal(submission.Tasks, global::Myopia.IO.JsonOutput.Deserialize<List<SlurmTask>>(submitted.Stdout));
        // The time from the command to the first array task running, as a user waits for it.
        WaitFor(() => cluster.Queue().Values.Contains("RUNNING") || Directory.Exists(Path.Combine(onSlurm, "runs")), "a task running", 60);
        output.WriteLine($"MEASURED: sweep --executor slurm to first task running: {clock.Elapsed.TotalSeconds:F2} s (submission command itself: the CLI's start and sbatch)");

        // A re-run follows the tasks still queued (submitting none twice) and collects the results.
        var collected = Myopia(true, Sweep(onSlurm, TinyData, "8,12,full", 2, "--executor", "slurm"));
        Assert.Equal(0, collected.ExitCode);
        Assert.Single(SlurmSubmissions.Read(onSlurm));
        var status = Myopia(true, "sweep", "--status", onSlurm);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("3 done, 0 running, 0 pending, 0 failed", status.Stderr);

        var local = Path.Combine(root, "local");
        Assert.Equal(0, Myopia(false, Sweep(local, TinyData, "8,12,full", 2, "--jobs", "1")).ExitCode);
        Assert.Equal(4, ResultsWithoutTimes(local).Count);
        Assert.Equal(ResultsWithoutTimes(local), ResultsWithoutTimes(onSlurm));
        Assert.Equal(Layout(local), Layout(onSlurm));
        foreach (var figure in new[] { global::Myopia.Reporting.SweepFigures.ErrorFigure, global::Myopia.Reporting.SweepFigures.LossFigure, global::Myopia.Reporting.SweepFigures.AccuracyFigure })
            Assert.True(File.ReadAllBytes(Path.Combine(local, figure)).SequenceEqual(File.ReadAllBytes(Path.Combine(onSlurm, figure))), $"{figure} differs");
    }

    private const int LongRunEpochs = 25;

    // One run long enough to be interrupted, submitted without waiting; returns once its first checkpoint exists.
    private (string Dir, string Run, SlurmTask Task) SubmitOneLongRun()
    {
        var dir = Path.Combine(root, "sweep");
        var run = Path.Combine(dir, "runs", "smallcnn-full-s1");
        Assert.Equal(0, Myopia(true, Sweep(dir, LongerData, "full", LongRunEpochs, "--executor", "slurm", "--no-wait")).ExitCode);
        var task = Assert.Single(Assert.Single(SlurmSubmissions.Read(dir)).Tasks);
        WaitFor(() => File.Exists(Path.Combine(run, Checkpoint.FileName)), "the first epoch's checkpoint");
        return (dir, run, task);
    }

    [SlurmFact]
    public void ATaskCancelledMidRunIsResubmittedAndResumesFromItsCheckpoint()
    {
        const int epochs = LongRunEpochs;
        var (dir, run, task) = SubmitOneLongRun();

        var (code, _, stderr) = cluster.Run("scancel", task.Id);
        Assert.True(code == 0, stderr);
        WaitFor(() => !cluster.Queue().ContainsKey(task.Id), "the cancelled task leaving the queue", 60);
        var saved = Checkpoint.ReadInfo(Path.Combine(run, Checkpoint.FileName));
        Assert.True(saved.CompletedEpochs < epochs, $"the run finished ({saved.CompletedEpochs} epochs) before scancel");
        // myopia itself ended the task (exit 143, SIGTERM handled, progress saved), and --status names it with its log.
        var status = Myopia(true, "sweep", "--status", dir);
        Assert.Equal(2, status.ExitCode);
        Assert.Contains($"failed        task {task.Id} (CANCELLED, exit 143)  see {Path.Combine(run, "train.log")}", status.Stderr);
        Assert.Contains("0 done, 0 running, 0 pending, 1 failed", status.Stderr);

        var rerun = Myopia(true, Sweep(dir, LongerData, "full", epochs, "--executor", "slurm"));
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains("1 resuming from checkpoints", rerun.Stderr);
        var submissions = SlurmSubmissions.Read(dir);
        Assert.Equal(2, submissions.Count);
        var log = File.ReadAllText(Path.Combine(run, "train.log"));
        Assert.Contains($"resuming {run}", log);
        Assert.Contains($"== slurm task {submissions[1].JobId}_0", log);
        var summary = global::Myopia.IO.JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.Equal(epochs, summary.CompletedEpochs);
        Assert.Equal(epochs + 1, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);
    }

    [SlurmFact]
    public void ATaskWarnedOfItsTimeLimitCheckpointsRequeuesItselfAndResumes()
    {
        const int epochs = LongRunEpochs;
        var (dir, run, task) = SubmitOneLongRun();

        // What --signal=B:USR2@90 does 90 s before the time limit.
        var (code, _, stderr) = cluster.Run("scancel", "--batch", "--signal=USR2", task.Id);
        Assert.True(code == 0, stderr);
        WaitFor(() => File.ReadAllText(Path.Combine(run, "train.log")).Contains($"requeueing slurm task {task.Id}"), "the task requeueing itself", 60);
        WaitFor(() => cluster.Queue().GetValueOrDefault(task.Id) == "PENDING", "the task back in the queue", 60);
        var saved = Checkpoint.ReadInfo(Path.Combine(run, Checkpoint.FileName));
        Assert.True(saved.CompletedEpochs < epochs, $"the run finished ({saved.CompletedEpochs} epochs) before the signal");

        // A re-run follows the requeued task rather than submit the run again.
        var rerun = Myopia(true, Sweep(dir, LongerData, "full", epochs, "--executor", "slurm"));
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains($"following {task.Id}", rerun.Stderr);
        Assert.Single(SlurmSubmissions.Read(dir));
        var log = File.ReadAllText(Path.Combine(run, "train.log"));
        Assert.Contains($"== slurm task {task.Id} (job", log);
        Assert.Contains("restart 1,", log);
        Assert.Contains($"resuming {run}", log);
        var summary = global::Myopia.IO.JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.Equal(epochs, summary.CompletedEpochs);
    }

    [SlurmFact]
    public void AnArraySbatchRefusesIsOneErrorLineAndNoSubmission()
    {
        var dir = Path.Combine(root, "sweep");
        var result = Myopia(true, Sweep(dir, TinyData, "full", 1, "--executor", "slurm", "--partition", "nosuch"));
        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith("error: sbatch refused the job array", lines[^1]);
        Assert.Contains("nosuch", lines[^1]);
        Assert.Empty(SlurmSubmissions.Read(dir));
    }

    [SlurmFact]
    public void AFailingRunIsNamedWithItsLogAndTheSweepExitsWith2()
    {
        var dir = Path.Combine(root, "sweep");
        var broken = Path.Combine(dir, "runs", "smallcnn-t8-s1");
        Directory.CreateDirectory(broken);
        File.WriteAllBytes(Path.Combine(broken, Checkpoint.FileName), new byte[1000]); // a run that cannot resume

        var result = Myopia(true, Sweep(dir, TinyData, "8,full", 1, "--executor", "slurm"));
        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var failed = Assert.Single(lines, l => l.StartsWith("FAILED smallcnn-t8-s1", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(broken, "train.log"), failed);
        Assert.Contains("exit 2", failed);
        Assert.StartsWith("error: 1 of 2 runs failed (smallcnn-t8-s1)", lines[^1]);
        Assert.Contains("is not a Myopia checkpoint", File.ReadAllText(Path.Combine(broken, "train.log")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, SweepRunner.ResultsCsv)).Length); // the run that finished
    }
}
