using System.Diagnostics;

namespace Myopia.Tests.Infrastructure;

/// <summary>Runs the real <c>myopia</c> CLI (the Myopia.Cli.dll built next to the tests) as a child process.</summary>
public static class CliProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The PID the process ran with (useful after a kill: no live process has it).</summary>
        public int Pid { get; init; }
    }

    public static Outcome Run(params string[] args) => RunIn(null, args);

    public static Outcome RunIn(string? workingDirectory, params string[] args) => RunWith(null, workingDirectory, args);

    /// <summary>Runs with extra environment variables (e.g. the test-only fault injection).</summary>
    public static Outcome RunWith(IReadOnlyDictionary<string, string>? environment, string? workingDirectory, params string[] args)
    {
        using var process = Start(environment, workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"myopia {string.Join(' ', args)} did not finish");
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result) { Pid = process.Id };
    }

    /// <summary>Starts the CLI without waiting, for tests that signal or kill it while it runs; the caller reads its output.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, string? workingDirectory, params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Myopia.Cli.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    /// <summary>Sends a POSIX signal (TERM, KILL, ...) with the system's kill command.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>True while a process with this PID runs (a zombie, already dead, counts as ended).</summary>
    public static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
