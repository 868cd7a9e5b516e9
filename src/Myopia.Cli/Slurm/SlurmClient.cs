using System.ComponentModel;
using System.Diagnostics;

namespace Myopia.Cli.Slurm;

/// <summary>
/// Slurm's client commands (sbatch, squeue, scontrol, sacct), each run with a time limit so a
/// controller that does not answer cannot hang a sweep. They find the cluster as they would from
/// a shell: through SLURM_CONF or the system's slurm.conf.
/// </summary>
public sealed class SlurmClient
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Submits a batch script; returns the job id.</summary>
    public string Submit(string scriptPath)
    {
        var (code, stdout, stderr) = Run("sbatch", "--parsable", scriptPath);
        if (code != 0) throw new MyopiaException($"sbatch refused the job array: {OneLine(stderr)} (script: {scriptPath})");
        // --parsable prints "JOBID" or "JOBID;CLUSTER".
        var id = stdout.Trim().Split(';')[0];
        return id.Length > 0 && id.All(char.IsDigit) ? id : throw new MyopiaException($"sbatch printed no job id: '{OneLine(stdout)}'");
    }

    /// <summary>
    /// The state (PENDING, RUNNING, ...) of every array task of these jobs that Slurm still holds,
    /// by "JOBID_INDEX"; a task missing from the answer has ended.
    /// </summary>
    public Dictionary<string, string> QueueStates(IEnumerable<string> jobIds)
    {
        var wanted = jobIds.ToHashSet();
        // The user's tasks, filtered here: squeue -j fails outright once one of the jobs has left the controller.
        var (code, stdout, stderr) = Run("squeue", "--noheader", "--array", "--user", Environment.UserName, "--format=%F|%K|%T");
        if (code != 0) throw new MyopiaException($"squeue failed: {OneLine(stderr)}");
        var states = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split('|');
            if (f.Length == 3 && wanted.Contains(f[0])) states[$"{f[0]}_{f[1]}"] = f[2];
        }
        return states;
    }

    /// <summary>The final state and exit code of an ended task ("FAILED", "exit 1"), from the controller while it still holds the task, else from accounting where that is enabled.</summary>
    public (string State, string ExitCode)? Outcome(string taskId)
    {
        var (code, stdout, _) = Run("scontrol", "--oneliner", "show", "job", taskId);
        if (code == 0 && Field(stdout, "JobState") is { } state && Field(stdout, "ExitCode") is { } exit)
            return (state, ExitCode(exit));
        if (!AccountingEnabled()) return null;
        (code, stdout, _) = Run("sacct", "--noheader", "--parsable2", "--allocations", "--jobs", taskId, "--format=State,ExitCode");
        var f = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split('|');
        return code == 0 && f is { Length: 2 } ? (f[0].Split(' ')[0], ExitCode(f[1])) : null;
    }

    // Slurm writes "EXIT:SIGNAL": "2:0" is exit code 2, "0:9" a task killed by signal 9.
    private static string ExitCode(string slurmExitCode)
    {
        var parts = slurmExitCode.Split(':');
        return parts.Length == 2 && parts[1] != "0" ? $"signal {parts[1]}" : $"exit {parts[0]}";
    }

    /// <summary>Puts a running task back in the queue (after it saved a checkpoint), to start again from there.</summary>
    public void Requeue(string taskId)
    {
        var (code, _, stderr) = Run("scontrol", "requeue", taskId);
        if (code != 0) throw new MyopiaException($"scontrol requeue {taskId} failed: {OneLine(stderr)}");
    }

    private bool? accounting;

    private bool AccountingEnabled()
    {
        if (accounting is { } known) return known;
        var (code, stdout, _) = Run("scontrol", "show", "config");
        accounting = code == 0 && stdout.Split('\n').Any(l => l.StartsWith("AccountingStorageType", StringComparison.Ordinal) && !l.Contains("accounting_storage/none"));
        return accounting.Value;
    }

    private static string? Field(string oneLine, string name)
    {
        foreach (var token in oneLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (token.StartsWith(name + "=", StringComparison.Ordinal)) return token[(name.Length + 1)..];
        return null;
    }

    private static (int Code, string Stdout, string Stderr) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (Win32Exception)
        {
            throw new MyopiaException($"{program} not found: --executor slurm needs Slurm's client commands (sbatch, squeue, scontrol) on PATH");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new MyopiaException($"{program} {string.Join(' ', args)} did not answer within {Limit.TotalSeconds:F0} s");
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
