using Myopia.Experiments;

namespace Myopia.Cli.Slurm;

/// <summary>
/// Where each run of a sweep on Slurm stands, from the queue and the run folders: a task the queue
/// still holds is pending or running; an ended task's run is done when its folder holds a finished
/// run, else it failed. Runs no task works on are done or not submitted.
/// </summary>
public sealed record SlurmProgress(IReadOnlyDictionary<int, SlurmRunState> States, IReadOnlyDictionary<int, SlurmTask> Tasks)
{
    public int Done => States.Values.Count(s => s == SlurmRunState.Done);
    public int Running => States.Values.Count(s => s == SlurmRunState.Running);
    public int Pending => States.Values.Count(s => s == SlurmRunState.Pending);
    public int Failed => States.Values.Count(s => s == SlurmRunState.Failed);
    public int NotSubmitted => States.Values.Count(s => s == SlurmRunState.NotSubmitted);

    public string Summary => $"{Done} done, {Running} running, {Pending} pending, {Failed} failed" + (NotSubmitted > 0 ? $", {NotSubmitted} not submitted" : "");

    public static SlurmProgress Of(IEnumerable<SlurmTask> tasks, IReadOnlyDictionary<string, string> queue, string sweepDir, IReadOnlyList<SweepPoint> points)
    {
        var byIndex = tasks.ToDictionary(t => t.Index);
        var states = new Dictionary<int, SlurmRunState>();
        for (int i = 0; i < points.Count; i++)
        {
            bool finished = SweepRunner.IsFinished(Path.Combine(sweepDir, "runs", points[i].Name), points[i].Options);
            if (!byIndex.TryGetValue(i, out var task)) states[i] = finished ? SlurmRunState.Done : SlurmRunState.NotSubmitted;
            else if (queue.TryGetValue(task.Id, out var state)) states[i] = QueueState(state);
            else states[i] = finished ? SlurmRunState.Done : SlurmRunState.Failed;
        }
        return new SlurmProgress(states, byIndex);
    }

    // squeue's states: those before a task starts (or again after a requeue) are pending, the rest running.
    private static SlurmRunState QueueState(string state) => state switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "SUSPENDED" or "STOPPED" or "PREEMPTED" => SlurmRunState.Pending,
        _ => SlurmRunState.Running,
    };
}
