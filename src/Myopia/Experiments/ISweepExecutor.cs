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
public sealed record SweepJob(SweepPoint Point, string RunDir, bool Resume)
{
    /// <summary>The run's position in <see cref="SweepSpec.Points"/>: how a cluster task names the run it trains.</summary>
    public int Index { get; init; }
}

/// <summary>The runs of a sweep, in order, and those of them still to do.</summary>
public sealed record SweepPlan(IReadOnlyList<SweepPoint> Points, IReadOnlyList<SweepJob> Jobs);
