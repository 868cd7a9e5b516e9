using System.ComponentModel;
using System.Diagnostics;
using Myopia.IO;

namespace Myopia.Benchmarks;

/// <summary>
/// Runs shared/peers/torch_reference.py (PyTorch on the same networks and random data) in a child
/// process with the same settings and reads the one JSON line it prints. It must run on Debian's
/// system interpreter, the one python3-torch installs into, not a python3 that comes first on PATH.
/// </summary>
public sealed class PytorchPeer(string script, string python = PytorchPeer.SystemPython)
{
    public const string SystemPython = "/usr/bin/python3";
    public const string ScriptRelativePath = "shared/peers/torch_reference.py";

    /// <summary>The networks the reference script builds.</summary>
    public static readonly IReadOnlySet<string> Models = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "resnet9", "resnet18" };

    public string Script => script;

    /// <summary>
    /// Finds shared/peers/torch_reference.py beside the repository (../shared from the repo root),
    /// looking upwards from <paramref name="start"/> so that git worktrees one level deeper find it too.
    /// </summary>
    public static string? FindScript(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ScriptRelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Runs the peer; throws <see cref="PeerUnavailableException"/> when it cannot run here.</summary>
    public ThroughputResult Run(ThroughputOptions options, int threads)
    {
        if (!Models.Contains(options.Model))
            throw new PeerUnavailableException($"the PyTorch peer builds only {string.Join(" and ", Models)}, not {options.Model}");
        if (options.Channels != 3)
            throw new PeerUnavailableException("the PyTorch peer builds RGB networks only");
        if (!File.Exists(script))
            throw new PeerUnavailableException($"PyTorch peer script not found: {script}");

        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     script, "--model", options.Model.ToLowerInvariant(), "--tile", $"{options.Tile}",
                     "--batch", $"{options.Batch}", "--steps", $"{options.Steps}", "--warmup", $"{options.Warmup}",
                     "--threads", $"{threads}", "--classes", $"{options.Classes}",
                     "--precision", Compute.PrecisionChoice.Name(options.Precision),
                 })
            start.ArgumentList.Add(argument);
        if (options.Format == Compute.MemoryFormat.ChannelsLast) start.ArgumentList.Add("--channels-last");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PeerUnavailableException($"could not start {python}");
        }
        catch (Win32Exception)
        {
            throw new PeerUnavailableException($"{python} not found; the PyTorch peer needs python3-torch (apt-get install python3-torch)");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var errors = stderr.Result;
            if (errors.Contains("No module named 'torch'"))
                throw new PeerUnavailableException($"python3-torch is missing ({python} cannot import torch): apt-get install python3-torch");
            var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (process.ExitCode != 0 || line is null || !line.StartsWith('{'))
            {
                var reason = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {process.ExitCode}";
                throw new PeerUnavailableException($"the PyTorch peer failed: {reason.Trim()}");
            }
            return JsonOutput.Deserialize<ThroughputResult>(line);
        }
    }
}

/// <summary>The PyTorch peer cannot run on this machine or for these settings; the message says why, in one line.</summary>
public sealed class PeerUnavailableException(string message) : Exception(message);
