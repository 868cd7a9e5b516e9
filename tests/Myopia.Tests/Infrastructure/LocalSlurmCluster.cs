using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Myopia.Tests.Infrastructure;

/// <summary>
/// A real single-node Slurm cluster on localhost for the tests of <c>sweep --executor slurm</c>:
/// Debian's slurmctld and slurmd with authentication off, their configuration, state and logs in a
/// temporary folder, on ports of their own. Every Slurm command a test runs (and the CLI under test)
/// finds it through <see cref="Environment"/> (SLURM_CONF). Nothing may hang: every wait has a limit,
/// and the daemons run under <c>timeout</c>, so they end even if the test process dies without disposing.
/// </summary>
public sealed class LocalSlurmCluster : IDisposable
{
    private static readonly TimeSpan DaemonLifetime = TimeSpan.FromMinutes(30);
    private readonly List<Process> daemons = [];

    public string Folder { get; } = "";
    public string Config { get; } = "";
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = Config };

    public LocalSlurmCluster()
    {
        if (Unavailable is not null) return; // the tests skip, saying why
        (Folder, Config) = Start(daemons);
    }

    /// <summary>Why no cluster can run here (binaries missing, not root, daemons that do not come up), or null; found once by starting and stopping one.</summary>
    public static string? Unavailable => probe.Value;

    private static readonly Lazy<string?> probe = new(() =>
    {
        foreach (var tool in new[] { "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo" })
            if (Which(tool) is null) return $"Slurm's {tool} not found (install Debian's slurm-wlm; .ci/run does)";
        if (System.Environment.UserName != "root") return "a local slurmd must run as root";
        var probeDaemons = new List<Process>();
        try
        {
            var (folder, _) = Start(probeDaemons);
            Stop(probeDaemons, folder);
            return null;
        }
        catch (Exception e)
        {
            Stop(probeDaemons, null);
            return $"the local Slurm daemons did not start: {e.Message}";
        }
    });

    /// <summary>Runs a Slurm command against this cluster; throws if it does not end within 30 s.</summary>
    public (int Code, string Stdout, string Stderr) Run(string tool, params string[] args) => RunWith(Config, tool, args);

    /// <summary>The array tasks the cluster holds, by "JOB_INDEX", with their state.</summary>
    public Dictionary<string, string> Queue()
    {
        var (code, stdout, stderr) = Run("squeue", "--noheader", "--array", "--format=%i|%T");
        if (code != 0) throw new InvalidOperationException($"squeue failed: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|')).ToDictionary(f => f[0], f => f[1]);
    }

    public void Dispose() => Stop(daemons, Folder.Length > 0 ? Folder : null);

    // A requeued task waits out its credential's lifetime (cred_expire, 120 s by default) and then the
    // next scheduling pass (sched_interval, 60 s): both short here, so a requeue test takes seconds.
    private static (string Folder, string Config) Start(List<Process> started)
    {
        var folder = Directory.CreateTempSubdirectory("myopia-slurm-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "state"));
        Directory.CreateDirectory(Path.Combine(folder, "spool"));
        var config = Path.Combine(folder, "slurm.conf");
        int cpus = Math.Min(2, System.Environment.ProcessorCount);
        File.WriteAllText(config, $"""
            ClusterName=myopiatest
            SlurmctldHost=localhost
            SlurmUser=root
            SlurmdUser=root
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            AuthType=auth/none
            CredType=cred/none
            AuthInfo=cred_expire=5
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            SchedulerType=sched/builtin
            SchedulerParameters=sched_interval=2
            MpiDefault=none
            ReturnToService=2
            StateSaveLocation={folder}/state
            SlurmdSpoolDir={folder}/spool
            SlurmctldPidFile={folder}/slurmctld.pid
            SlurmdPidFile={folder}/slurmd.pid
            SlurmctldLogFile={folder}/slurmctld.log
            SlurmdLogFile={folder}/slurmd.log
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/none
            JobAcctGatherType=jobacct_gather/none
            KillWait=10
            MinJobAge=600
            NodeName=localhost CPUs={cpus} RealMemory={RealMemoryMb()} State=UNKNOWN
            PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP

            """);
        foreach (var daemon in new[] { "slurmctld", "slurmd" })
        {
            var start = new ProcessStartInfo("timeout", [((int)DaemonLifetime.TotalSeconds).ToString(), Which(daemon)!, "-D", "-f", config])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.Environment["SLURM_CONF"] = config;
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            started.Add(process);
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (started.FirstOrDefault(p => p.HasExited) is { } dead)
                throw new InvalidOperationException($"{dead.StartInfo.ArgumentList[1]} exited ({dead.ExitCode}); {Tail(folder)}");
            var (code, stdout, stderr) = RunWith(config, "sinfo", "--noheader", "--format=%T");
            last = (stdout + stderr).Trim();
            if (code == 0 && last == "idle") return (folder, config);
            Thread.Sleep(200);
        }
        throw new InvalidOperationException($"the node did not become idle within 30 s (sinfo: '{last}'); {Tail(folder)}");
    }

    // Cancels what still runs (its processes would outlive slurmd), then ends the daemons.
    private static void Stop(List<Process> started, string? folder)
    {
        if (folder is not null && started.All(p => !p.HasExited))
        {
            var config = Path.Combine(folder, "slurm.conf");
            try
            {
                RunWith(config, "scancel", "--user", System.Environment.UserName);
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (DateTime.UtcNow < deadline && RunWith(config, "squeue", "--noheader").Stdout.Trim().Length > 0) Thread.Sleep(200);
            }
            catch (TimeoutException) { /* the daemons end below regardless */ }
        }
        foreach (var p in started)
        {
            if (!p.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", p.Id.ToString()])!) term.WaitForExit(); // timeout passes it on to the daemon
                if (!p.WaitForExit(TimeSpan.FromSeconds(10))) p.Kill(entireProcessTree: true);
                p.WaitForExit(TimeSpan.FromSeconds(10));
            }
            p.Dispose();
        }
        started.Clear();
        if (folder is not null)
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* a file a daemon still held; the temp folder is cleaned later */ }
    }

    private static (int Code, string Stdout, string Stderr) RunWith(string config, string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["SLURM_CONF"] = config;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not end within 30 s");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // slurmd drains a node configured with more memory than it has: claim a little less.
    private static long RealMemoryMb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return Math.Max(1, kb / 1024 * 9 / 10);
    }

    private static string? Which(string tool) =>
        new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin" }
            .Concat((System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static string Tail(string folder)
    {
        var logs = new[] { "slurmctld.log", "slurmd.log" }.Select(f => Path.Combine(folder, f)).Where(File.Exists)
            .Select(f => $"{Path.GetFileName(f)}: {string.Join(" | ", File.ReadLines(f).TakeLast(3))}");
        return string.Join("; ", logs);
    }
}

/// <summary>The tests that share one <see cref="LocalSlurmCluster"/>, one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalSlurmCollection : ICollectionFixture<LocalSlurmCluster>
{
    public const string Name = "a local Slurm cluster";
}

/// <summary>A fact that needs a local Slurm cluster; skipped, with the reason, where its daemons cannot start.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (LocalSlurmCluster.Unavailable is { } reason) Skip = reason;
    }
}
