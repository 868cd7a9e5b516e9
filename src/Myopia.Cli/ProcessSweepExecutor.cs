using Myopia.IO;
using System.Diagnostics;
using Myopia.Experiments;
using Myopia.Reporting;

namespace Myopia.Cli;

/// <summary>
/// Runs a sweep's jobs as child <c>myopia train</c> processes, N at a time, each with its share of
/// the CPU threads. A child's output goes to train.log in its run folder; a failed run is reported
/// and the sweep goes on (re-running the sweep retries it).
/// </summary>
public sealed class ProcessSweepExecutor(int parallel, int threadsPerJob, Action<string> log) : ISweepExecutor
{
    public void Execute(IReadOnlyList<SweepJob> jobs, CancellationToken cancel)
    {
        var queue = new Queue<SweepJob>(jobs);
        var running = new List<(SweepJob Job, Process Process, StreamWriter Log)>();
        int done = 0;
        var clock = Stopwatch.StartNew();
        while (queue.Count > 0 || running.Count > 0)
        {
            while (running.Count < parallel && queue.Count > 0 && !cancel.IsCancellationRequested)
            {
                var job = queue.Dequeue();
                var (process, logFile) = Start(job, threadsPerJob);
                running.Add((job, process, logFile));
                log($"started {job.Point.Name}{(job.Resume ? " (resuming)" : "")}");
            }
            Thread.Sleep(500);
            foreach (var (job, process, logFile) in running.ToList())
            {
                if (cancel.IsCancellationRequested && !process.HasExited)
                    continue; // the children got the same Ctrl-C; they checkpoint and exit on their own
                if (!process.HasExited) continue;
                process.WaitForExit(); // drains the redirected output before the log closes
                logFile.Dispose();
                running.Remove((job, process, logFile));
                done++;
                var eta = done == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / done * (jobs.Count - done));
                log(process.ExitCode == 0
                    ? $"finished {job.Point.Name} [{done}/{jobs.Count}, ETA {eta:hh\\:mm\\:ss}]"
                    : $"FAILED {job.Point.Name} (exit {process.ExitCode}); see {Path.Combine(job.RunDir, "train.log")}");
                process.Dispose();
            }
            if (cancel.IsCancellationRequested && running.Count == 0) return;
        }
    }

    private static (Process, StreamWriter) Start(SweepJob job, int threadsPerJob)
    {
        Directory.CreateDirectory(job.RunDir);
        var config = Path.Combine(job.RunDir, "sweep-config.json");
        JsonOutput.WriteFile(config, job.Point.Options);
        var myopia = MyopiaInvocation.Prefix();
        var start = new ProcessStartInfo(myopia[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in myopia.Skip(1)) start.ArgumentList.Add(a);
        foreach (var a in new[] { "train", "--config", config, "--out", job.RunDir, "--threads", threadsPerJob.ToString() })
            start.ArgumentList.Add(a);
        if (job.Resume) start.ArgumentList.Add("--resume");
        // The child stops (saving its progress) if this process dies, rather than train on, orphaned, into a folder a re-run trains into.
        start.Environment[Terminal.ParentProcessWatch.Variable] = Environment.ProcessId.ToString();
        var process = new Process { StartInfo = start };
        var logFile = new StreamWriter(Path.Combine(job.RunDir, "train.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (logFile) logFile.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (logFile) logFile.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, logFile);
    }
}
