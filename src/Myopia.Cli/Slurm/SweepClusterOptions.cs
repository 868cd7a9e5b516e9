using System.CommandLine;

namespace Myopia.Cli.Slurm;

/// <summary>
/// The options of <c>myopia sweep</c> that send it to a Slurm cluster. Resources the local executor
/// already names keep their names there: <c>--threads</c> is each task's CPUs, <c>--jobs</c> the
/// array's runs at once (<c>%N</c>).
/// </summary>
public sealed class SweepClusterOptions
{
    public const string Local = "local", Slurm = "slurm";

    public Option<string> Executor { get; } = new Option<string>("--executor")
    {
        Description = "where the runs train: local (child processes on this machine) or slurm (one job array through sbatch)",
        DefaultValueFactory = _ => Local,
    }.AcceptOnlyFromAmong(Local, Slurm);
    public Option<string?> Partition { get; } = new("--partition") { Description = "slurm: the partition the array runs in (default: the cluster's)" };
    public Option<string?> Time { get; } = new("--time") { Description = "slurm: time limit of each task (e.g. 2-00:00:00); 90 s before it a run checkpoints and is requeued" };
    public Option<string?> Memory { get; } = new("--mem") { Description = "slurm: memory of each task (e.g. 8G)" };
    public Option<string?> Gpus { get; } = new("--gpus") { Description = "slurm: GPUs of each task (N or TYPE:N); the runs then train with --device cuda" };
    public Option<string[]> SbatchArgs { get; } = new("--sbatch-arg") { Description = "slurm: a further sbatch option, e.g. --sbatch-arg=--account=lab (repeatable)", AllowMultipleArgumentsPerToken = false };
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "slurm: print the batch script instead of submitting it" };
    public Option<bool> NoWait { get; } = new("--no-wait") { Description = "slurm: submit and return (with --json, print the array tasks); follow with --status" };
    public Option<string?> Status { get; } = new("--status") { Description = "show where each run of the Slurm sweep in this folder stands, and collect what finished (results.csv, figures)" };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Executor, Partition, Time, Memory, Gpus, SbatchArgs, DryRun, NoWait, Status }) command.Options.Add(o);
    }

    /// <summary>What was asked of Slurm, or null for the local executor (which refuses Slurm's options).</summary>
    public SweepOnSlurm? Read(ParseResult parse, int threads, int? jobs)
    {
        if (parse.GetValue(Executor) != Slurm)
        {
            foreach (Option o in new Option[] { Partition, Time, Memory, Gpus, SbatchArgs, DryRun, NoWait })
                if (parse.GetResult(o) is { Implicit: false })
                    throw new MyopiaException($"{o.Name} is an option of --executor slurm");
            return null;
        }
        var options = new SlurmOptions
        {
            Partition = parse.GetValue(Partition),
            Time = parse.GetValue(Time),
            Memory = parse.GetValue(Memory),
            Gpus = parse.GetValue(Gpus),
            Cpus = threads > 0 ? threads : 1,
            MaxRunning = jobs,
            ExtraArgs = parse.GetValue(SbatchArgs) ?? [],
        };
        options.Validate();
        return new SweepOnSlurm(options, parse.GetValue(DryRun), !parse.GetValue(NoWait));
    }
}

/// <summary>A sweep sent to Slurm: what its tasks ask for, and whether to print the script only or to wait for the array.</summary>
public sealed record SweepOnSlurm(SlurmOptions Options, bool DryRun, bool Wait);
