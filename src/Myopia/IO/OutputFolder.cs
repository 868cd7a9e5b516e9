using System.Globalization;

namespace Myopia.IO;

/// <summary>
/// The folder a command writes its results into (<c>--out</c>): the same rules in every command.
/// Without <c>--out</c>, a command that computes figures writes into a fresh
/// <c>runs/COMMAND-yyyyMMdd-HHmmss</c> folder and says so, rather than writing nothing. A path that is
/// an existing file, or a folder that cannot be written, is refused before any work is done.
/// </summary>
public static class OutputFolder
{
    public static string Resolve(string? requested, string command)
    {
        var path = requested ?? DefaultFor(command);
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new MyopiaException($"--out {path} is an existing file, not a folder");
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-test{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MyopiaException($"cannot write into --out {path}: {e.Message}");
        }
        return full;
    }

    /// <summary>runs/COMMAND-yyyyMMdd-HHmmss in the current folder, with a suffix if that exists already.</summary>
    public static string DefaultFor(string command)
    {
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = Path.Combine("runs", $"{command}-{stamp}");
        for (int i = 2; Directory.Exists(path) || File.Exists(path); i++)
            path = Path.Combine("runs", $"{command}-{stamp}-{i}");
        return path;
    }
}
