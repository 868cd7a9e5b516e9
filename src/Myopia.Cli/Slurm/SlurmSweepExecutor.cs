using System.Diagnostics;
using Myopia.Experiments;
using Myopia.IO;

namespace Myopia.Cli.Slurm;

/// <summary>
/// Runs a sweep's jobs as one Slurm job array (<see cref="SlurmBatchScript"/>) and, unless told not
/// to wait, follows it until every task has ended, logging done / running / pending / failed as they
/// change. Runs whose tasks from an earlier submission are still queued or running are followed,
/// not submitted twice. A task that ends without a finished run is reported with its log.
/// </summary>
public sealed class SlurmSweepExecutor(string sweepDir, IReadOnlyList<SweepPoint> points, SlurmOptions options, SlurmClient slurm, Action<string> log) : ISweepExecutor
{
    /// <summary>How often the queue is asked at first; the interval grows to <see cref="SlowPoll"/> for long sweeps.</summary>
    public TimeSpan FastPoll { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan SlowPoll { get; init; } = TimeSpan.FromSeconds(30);

    public void Execute(IReadOnlyList<SweepJob> jobs, CancellationToken cancel)
    {
        var tasks = Submit(jobs);
        if (tasks.Count > 0) Wait(tasks, cancel);
    }

    /// <summary>The batch script for these jobs, as <see cref="Submit"/> would hand it to sbatch.</summary>
    public string Script(IReadOnlyList<SweepJob> jobs) =>
        SlurmBatchScript.Create(sweepDir, points.Select(p => p.Name).ToList(), jobs.Select(j => j.Index).ToList(), options, MyopiaInvocation.Prefix());

    /// <summary>
    /// Submits the jobs that no earlier task is still working on, as one array; returns every task
    /// that now works on a job (earlier ones included).
    /// </summary>
    public List<SlurmTask> Submit(IReadOnlyList<SweepJob> jobs)
    {
        if (jobs.Count == 0) return [];
        var earlier = SlurmSubmissions.LatestTasks(sweepDir);
        var queued = earlier.Count > 0 ? slurm.QueueStates(earlier.Values.Select(t => t.JobId).Distinct()) : [];
        var following = jobs.Select(j => earlier.GetValueOrDefault(j.Index)).OfType<SlurmTask>().Where(t => queued.ContainsKey(t.Id)).ToList();
        if (following.Count > 0)
            log($"{following.Count} run(s) already queued or running from an earlier submission: following {string.Join(", ", following.Select(t => t.Id))}");
        var toSubmit = jobs.Where(j => following.All(t => t.Index != j.Index)).ToList();
        if (toSubmit.Count == 0) return following;

        var folder = Path.Combine(sweepDir, SlurmSubmissions.Folder);
        Directory.CreateDirectory(folder);
        var scriptPath = Path.Combine(folder, $"array-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}.sh");
        AtomicFile.WriteAllText(scriptPath, Script(toSubmit));
        var jobId = slurm.Submit(scriptPath);
        var submission = new SlurmSubmission(jobId, toSubmit.Select(j => j.Index).ToArray(), toSubmit.Select(j => j.Point.Name).ToArray(), DateTime.UtcNow, scriptPath);
        SlurmSubmissions.Append(sweepDir, submission);
        log($"submitted job array {jobId} ({toSubmit.Count} task(s){(toSubmit.Any(j => j.Resume) ? $", {toSubmit.Count(j => j.Resume)} resuming from checkpoints" : "")}); script {scriptPath}");
        return [.. following, .. submission.Tasks];
    }

    /// <summary>
    /// Follows the tasks until all have ended (or <paramref name="cancel"/>: the tasks then go on
    /// without this process). Failed runs are logged with their log path and exit code.
    /// </summary>
    public void Wait(IReadOnlyList<SlurmTask> tasks, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var ended = new Dictionary<string, TimeSpan>();
        var reported = new HashSet<string>();
        string? lastLine = null;
        bool sawRunning = false;
        int failedQueries = 0;
        while (true)
        {
            Dictionary<string, string> queue;
            try
            {
                queue = slurm.QueueStates(tasks.Select(t => t.JobId).Distinct());
                failedQueries = 0;
            }
            catch (MyopiaException e) when (++failedQueries < 10)
            {
                log($"warning: {e.Message}; asking again");
                if (Sleep(clock, cancel)) return;
                continue;
            }
            var progress = SlurmProgress.Of(tasks, queue, sweepDir, points);
            foreach (var task in tasks.Where(t => progress.States[t.Index] == SlurmRunState.Failed))
            {
                // A run's last files may reach this machine a little after its task ended (a shared file system's caches).
                if (!ended.ContainsKey(task.Id)) ended[task.Id] = clock.Elapsed;
                if (clock.Elapsed - ended[task.Id] < TimeSpan.FromSeconds(5) || !reported.Add(task.Id)) continue;
                var outcome = slurm.Outcome(task.Id);
                log($"FAILED {task.Run} (task {task.Id}{(outcome is { } o ? $", {o.State}, {o.ExitCode}" : "")}); see {FailureLog(task)}");
            }
            if (!sawRunning && progress.Running > 0)
            {
                sawRunning = true;
                log($"first task running {clock.Elapsed.TotalSeconds:F1} s after submission");
            }
            var line = progress.Summary;
            if (line != lastLine) log($"slurm: {line} [{clock.Elapsed:hh\\:mm\\:ss}]");
            lastLine = line;
            bool settling = tasks.Any(t => progress.States[t.Index] == SlurmRunState.Failed && !reported.Contains(t.Id));
            if (progress.Pending + progress.Running == 0 && !settling) return;
            if (Sleep(clock, cancel))
            {
                log($"stopped waiting; the array keeps running on the cluster: follow it with myopia sweep --status {sweepDir}, stop it with scancel {string.Join(' ', tasks.Select(t => t.JobId).Distinct())}");
                return;
            }
        }
    }

    /// <summary>The log that tells why a task's run did not finish: its train.log, or Slurm's own output when myopia never started.</summary>
    public string FailureLog(SlurmTask task)
    {
        var trainLog = Path.Combine(sweepDir, "runs", task.Run, "train.log");
        var slurmOut = Path.Combine(sweepDir, SlurmSubmissions.Folder, $"task-{task.JobId}_{task.Index}.out");
        return File.Exists(slurmOut) && new FileInfo(slurmOut).Length > 0 ? $"{trainLog} and {slurmOut}" : trainLog;
    }

    // True when cancelled. Polls fast at first (a short sweep, a test) and slower as the wait goes on.
    private bool Sleep(Stopwatch clock, CancellationToken cancel)
    {
        var interval = TimeSpan.FromTicks(Math.Min(SlowPoll.Ticks, Math.Max(FastPoll.Ticks, clock.Elapsed.Ticks / 20)));
        return cancel.WaitHandle.WaitOne(interval);
    }
}
