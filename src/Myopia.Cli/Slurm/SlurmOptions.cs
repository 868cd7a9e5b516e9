using System.Text.RegularExpressions;

namespace Myopia.Cli.Slurm;

/// <summary>
/// What a sweep's job array asks Slurm for. Null leaves a value to the cluster's defaults.
/// <see cref="Cpus"/> is also the threads each run trains with; <see cref="MaxRunning"/> is the
/// array's <c>%N</c> (runs at once, as <c>--jobs</c> locally).
/// </summary>
public sealed partial record SlurmOptions
{
    public string? Partition { get; init; }
    /// <summary>Time limit of each task, in sbatch's format (minutes, HH:MM:SS, D-HH:MM, ...).</summary>
    public string? Time { get; init; }
    public int Cpus { get; init; } = 1;
    /// <summary>Memory per task, in sbatch's format (e.g. 8G).</summary>
    public string? Memory { get; init; }
    /// <summary>GPUs per task, as sbatch's --gpus ("1", "a100:1"); the runs then train on CUDA.</summary>
    public string? Gpus { get; init; }
    public int? MaxRunning { get; init; }
    /// <summary>Further sbatch options, each written as one #SBATCH line (e.g. --account=lab, --qos=long).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
    /// <summary>Seconds before its time limit that a task is told (USR2) to checkpoint and requeue itself.</summary>
    public int SignalSeconds { get; init; } = 90;

    /// <summary>Throws a <see cref="MyopiaException"/> naming the option whose value sbatch would refuse (or that would break the script).</summary>
    public void Validate()
    {
        if (Partition is { } p && !PartitionPattern().IsMatch(p)) throw new MyopiaException($"--partition: '{p}' is not a partition name (letters, digits, '-', '_', '.', comma-separated)");
        if (Time is { } t && !TimePattern().IsMatch(t)) throw new MyopiaException($"--time: '{t}' is not a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)");
        if (Cpus < 1) throw new MyopiaException($"--threads must be at least 1 with --executor slurm (the CPUs each task asks for), got {Cpus}");
        if (Memory is { } m && !MemoryPattern().IsMatch(m)) throw new MyopiaException($"--mem: '{m}' is not a Slurm memory size (a number with an optional K, M, G or T, e.g. 8G)");
        if (Gpus is { } g && !GpusPattern().IsMatch(g)) throw new MyopiaException($"--gpus: '{g}' is not a GPU count (N or TYPE:N, N at least 1)");
        if (MaxRunning is < 1 and var n) throw new MyopiaException($"--jobs must be at least 1, got {n}");
        foreach (var a in ExtraArgs)
            if (!a.StartsWith('-') || a.Any(char.IsControl))
                throw new MyopiaException($"--sbatch-arg: '{a}' is not one sbatch option (it must start with '-' and be one line, e.g. --sbatch-arg=--account=lab)");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+)*$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex(@"^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\d+[KMGT]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^([A-Za-z0-9_\-]+:)?[1-9]\d*$")]
    private static partial Regex GpusPattern();
}
