using Myopia.Cli.Commands;
using Myopia.Data;
using Myopia.Experiments;
using Myopia.IO;

namespace Myopia.Cli.Slurm;

/// <summary>
/// <c>sweep --status DIR</c>: where each run of a sweep submitted to Slurm stands (from the queue and
/// the run folders, no accounting needed), then the results of what finished (results.csv,
/// figures), as a re-run would collect them. Exit 2 once nothing is left to wait for and runs failed.
/// </summary>
public static class SweepStatus
{
    public static int Show(string dir, string? theory, bool json)
    {
        var sweepDir = Path.GetFullPath(dir);
        var specPath = Path.Combine(sweepDir, SweepRunner.SpecFile);
        if (!File.Exists(specPath)) throw new MyopiaException($"--status {dir}: no sweep there ({SweepRunner.SpecFile} not found)");
        var spec = JsonOutput.Deserialize<SweepSpec>(File.ReadAllText(specPath));
        var tasks = SlurmSubmissions.LatestTasks(sweepDir);
        if (tasks.Count == 0) throw new MyopiaException($"--status {dir}: the sweep was never submitted to Slurm ({Path.Combine(SlurmSubmissions.Folder, SlurmSubmissions.FileName)} not found); run it with --executor slurm");
        var log = (string m) => System.Console.Error.WriteLine(m);
        var runner = new SweepRunner(spec, sweepDir)
        {
            Log = log,
            PatchEvaluator = (classifier, test, tile) => PatchEvaluation.Run(classifier, test, tile, spec.PatchStride, 256),
        };
        var plan = runner.Plan();
        var client = new SlurmClient();
        var progress = SlurmProgress.Of(tasks.Values, client.QueueStates(tasks.Values.Select(t => t.JobId).Distinct()), sweepDir, plan.Points);
        var executor = new SlurmSweepExecutor(sweepDir, plan.Points, new SlurmOptions(), client, log);
        for (int i = 0; i < plan.Points.Count; i++)
        {
            var state = progress.States[i];
            var task = progress.Tasks.GetValueOrDefault(i);
            log($"{plan.Points[i].Name,-32} {state.ToString().ToLowerInvariant(),-13} {(task is null ? "" : $"task {task.Id}")}" +
                (state == SlurmRunState.Failed && task is not null ? $"{Outcome(client, task)}  see {executor.FailureLog(task)}" : ""));
        }
        log($"slurm: {progress.Summary}");
        bool waiting = progress.Pending + progress.Running > 0;
        if (plan.Points.Count - plan.Jobs.Count == 0)
        {
            if (!waiting && progress.Failed > 0)
                throw new MyopiaException($"{progress.Failed} of {plan.Points.Count} runs failed and none finished; see their logs above, and run the sweep again to resubmit them");
            log("no run has finished yet: nothing to collect");
            return 0;
        }
        var points = plan.Points.Select((p, i) => (p, i)).ToDictionary(x => x.p.Name, x => x.i);
        var result = runner.Collect(plan, o => DataLoading.Load(o.Data, o.DataDir, o.TrainLimit, o.TestLimit), 0,
            ready: p => progress.States[points[p.Name]] is not (SlurmRunState.Running or SlurmRunState.Pending));
        if (waiting)
        {
            // Not all in: results of what finished, no verdict on the rest.
            SweepCommand.Finish(result with { Failed = [] }, spec, theory, json);
            log($"{progress.Pending + progress.Running} run(s) still queued or running; results.csv holds the {result.Rows.Count} finished");
            return 0;
        }
        return SweepCommand.Finish(result, spec, theory, json);
    }

    // " (CANCELLED, exit 0)": how Slurm saw the task end, where it still knows.
    private static string Outcome(SlurmClient client, SlurmTask task) =>
        client.Outcome(task.Id) is { } o ? $" ({o.State}, {o.ExitCode})" : "";

}
