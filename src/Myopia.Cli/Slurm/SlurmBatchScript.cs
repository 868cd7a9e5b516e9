using System.Text;

namespace Myopia.Cli.Slurm;

/// <summary>
/// The batch script of a sweep's job array: one task per run still to do, each running
/// <c>myopia sweep-task</c> with its run's index in sweep.json's order, with the same myopia
/// binary as the submitting sweep (so the cluster's nodes must see it and the sweep folder on a
/// shared file system). A task's output goes to its run's train.log, as under the local executor.
/// </summary>
public static class SlurmBatchScript
{
    public const string JobName = "myopia-sweep";

    public static string Create(string sweepDir, IReadOnlyList<string> allRuns, IReadOnlyList<int> indices, SlurmOptions options, IReadOnlyList<string> myopia)
    {
        if (sweepDir.Any(char.IsWhiteSpace))
            throw new MyopiaException($"--executor slurm needs a sweep folder without spaces in its path (sbatch's options cannot hold them): {sweepDir}");
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"# Myopia sweep {sweepDir}: {indices.Count} of its {allRuns.Count} runs, one array task each (written by myopia sweep --executor slurm).\n");
        s.Append($"#SBATCH --job-name={JobName}\n");
        s.Append($"#SBATCH --array={string.Join(',', indices)}{(options.MaxRunning is { } n ? $"%{n}" : "")}\n");
        // Only what happens before myopia starts lands here; the run's own output goes to its train.log.
        s.Append($"#SBATCH --output={Path.Combine(sweepDir, SlurmSubmissions.Folder, "task-%A_%a.out")}\n");
        s.Append("#SBATCH --open-mode=append\n");
        s.Append($"#SBATCH --chdir={sweepDir}\n");
        s.Append($"#SBATCH --cpus-per-task={options.Cpus}\n");
        // B: the signal goes to the batch shell, which exec's myopia: it checkpoints and requeues its task.
        s.Append($"#SBATCH --signal=B:USR2@{options.SignalSeconds}\n");
        s.Append("#SBATCH --requeue\n");
        if (options.Partition is { } p) s.Append($"#SBATCH --partition={p}\n");
        if (options.Time is { } t) s.Append($"#SBATCH --time={t}\n");
        if (options.Memory is { } m) s.Append($"#SBATCH --mem={m}\n");
        if (options.Gpus is { } g) s.Append($"#SBATCH --gpus={g}\n");
        foreach (var a in options.ExtraArgs) s.Append($"#SBATCH {a}\n");
        s.Append("set -u\n");
        s.Append("# Every run of the sweep, in sweep.json's order: a task trains runs[SLURM_ARRAY_TASK_ID].\n");
        s.Append("runs=(").Append(string.Join(' ', allRuns.Select(Quote))).Append(")\n");
        s.Append("run=${runs[$SLURM_ARRAY_TASK_ID]}\n");
        var runsDir = Quote(Path.Combine(sweepDir, "runs"));
        s.Append($"mkdir -p {runsDir}/\"$run\"\n");
        s.Append("echo \"== slurm task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} (job $SLURM_JOB_ID) on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -u +%FT%TZ)\" >> " +
                 $"{runsDir}/\"$run\"/train.log\n");
        // exec: scancel's SIGTERM and the USR2 before the time limit reach myopia itself, which saves its progress.
        s.Append("exec ").Append(string.Join(' ', myopia.Select(Quote)))
         .Append($" sweep-task --out {Quote(sweepDir)} --index \"$SLURM_ARRAY_TASK_ID\" --threads \"${{SLURM_CPUS_PER_TASK:-{options.Cpus}}}\"")
         .Append(options.Gpus is not null ? " --device cuda" : "")
         .Append($" >> {runsDir}/\"$run\"/train.log 2>&1\n");
        return s.ToString();
    }

    /// <summary>Single-quotes a word for bash unless it is plainly safe.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '=' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
