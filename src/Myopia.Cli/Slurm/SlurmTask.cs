namespace Myopia.Cli.Slurm;

/// <summary>One array task of a submitted sweep: the run it trains, by its index in sweep.json's order.</summary>
public sealed record SlurmTask(string JobId, int Index, string Run)
{
    /// <summary>Slurm's name of the task, as squeue, scontrol and scancel take it.</summary>
    public string Id => $"{JobId}_{Index}";
}

/// <summary>Where a run of a sweep on Slurm stands.</summary>
public enum SlurmRunState { Pending, Running, Done, Failed, NotSubmitted }
