using System.ComponentModel;
using System.Diagnostics;
using Myopia.IO;

namespace Myopia.Benchmarks;

/// <summary>
/// Runs a PyTorch peer script of the lab benchmarks (shift_peer.py, diffeo_peer.py), which prints its result
/// as one JSON line, and reads that line. Every way the peer can be missing or fail becomes a
/// <see cref="PeerUnavailableException"/> whose message says what to install or what went wrong, so a bench
/// without PyTorch still measures Myopia and says why the peer is absent.
/// </summary>
internal static class PeerScript
{
    /// <summary>Runs <paramref name="python"/> <paramref name="script"/> <paramref name="arguments"/> and parses its last stdout line as <typeparamref name="T"/>.</summary>
    public static T Run<T>(string python, string script, IEnumerable<string> arguments, string peer)
    {
        var (exit, stdout, errors) = Execute(python, arguments.Prepend(script));
        if (exit is null) throw new PeerUnavailableException($"{python} not found; the PyTorch peer needs python3-torch (apt-get install python3-torch)");
        if (errors.Contains("No module named 'torch'"))
            throw new PeerUnavailableException($"python3-torch is missing ({python} cannot import torch): apt-get install python3-torch");
        var line = LastLine(stdout);
        if (exit != 0 || line is null || !line.StartsWith('{'))
            throw new PeerUnavailableException($"the PyTorch {peer} peer failed: {LastLine(errors) ?? $"exit code {exit}"}");
        return Parse<T>(line, peer);
    }

    /// <summary>peers/<paramref name="name"/> beside the assemblies (where the build copies the peers), else
    /// src/Myopia/Benchmarks/Peers/<paramref name="name"/> in a folder above <paramref name="start"/> (a source checkout).</summary>
    public static string? Find(string name, string? start = null)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "peers", name);
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(Path.GetFullPath(start ?? Environment.CurrentDirectory)); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Myopia", "Benchmarks", "Peers", name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The shipped script's path (found, or where the build puts it) and the shared torch_reference.py, if present.</summary>
    public static (string Script, string? Reference) Locate(string name) =>
        (Find(name) ?? Path.Combine(AppContext.BaseDirectory, "peers", name),
         PytorchPeer.FindScript(AppContext.BaseDirectory) ?? PytorchPeer.FindScript(Environment.CurrentDirectory));

    /// <summary>Why <paramref name="python"/> cannot run a peer (one line), or null when it imports torch.</summary>
    public static string? CannotImportTorch(string python)
    {
        var (exit, _, errors) = Execute(python, ["-c", "import torch"]);
        if (exit is null) return $"{python} not found; the PyTorch peer needs python3-torch (apt-get install python3-torch)";
        if (exit != 0)
            return $"{python} -c \"import torch\" failed ({LastLine(errors) ?? $"exit code {exit}"}): apt-get install python3-torch";
        return null;
    }

    /// <summary>Reads a peer's JSON line.</summary>
    public static T Parse<T>(string line, string peer)
    {
        try
        {
            return JsonOutput.Deserialize<T>(line);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PeerUnavailableException($"the PyTorch {peer} peer printed an unreadable line: {e.Message}");
        }
    }

    private static (int? Exit, string Stdout, string Stderr) Execute(string python, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return (null, "", "");
        }
        if (process is null) return (null, "", "");
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
