namespace Myopia.Experiments;

/// <summary>
/// Runs the training jobs of a sweep. Each job trains into its own run folder, resuming from the
/// checkpoint there if one exists; the executor decides how many run at once and where.
/// </summary>
public interface ISweepExecutor
{
    void Execute(IReadOnlyList<SweepJob> jobs, CancellationToken cancel);
}

/// <summary>A run of a sweep still to do; <paramref name="Resume"/> when its folder already holds a checkpoint.</summary>
public sealed record SweepJob(SweepPoint Point, string RunDir, bool Resume);
