using Myopia.Data;
using Myopia.Training;

namespace Myopia.Experiments;

/// <summary>Runs a sweep's jobs one after another in this process, loading each dataset once.</summary>
public sealed class InProcessSweepExecutor(Func<TrainOptions, DatasetSplits> loadData, Func<SweepJob, ITrainingObserver>? observer = null) : ISweepExecutor
{
    public void Execute(IReadOnlyList<SweepJob> jobs, CancellationToken cancel)
    {
        foreach (var job in jobs)
        {
            if (cancel.IsCancellationRequested) return;
            using var data = loadData(job.Point.Options);
            new Trainer(job.Point.Options, data, job.RunDir, observer?.Invoke(job)).Run(job.Resume, cancel);
        }
    }
}
