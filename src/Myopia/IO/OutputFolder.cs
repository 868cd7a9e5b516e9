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
    public static string Resolve(string? requested, string command) => Resolve(requested, command, "--out");

    /// <summary>The same rules for a folder option with another name (e.g. <c>data fetch --dest</c>).</summary>
    public static string Resolve(string? requested, string command, string option)
    {
        var path = requested ?? DefaultFor(command);
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new MyopiaException($"{option} {path} is an existing file, not a folder");
        Probe(full, path, option);
        return full;
    }

    /// <summary>
    /// For a command that writes one named file (<c>export --out FILE</c>): the same rules for the
    /// folder the file goes into, and a path that is a folder is refused.
    /// </summary>
    public static string ResolveFile(string requested)
    {
        var full = Path.GetFullPath(requested);
        if (Directory.Exists(full)) throw new MyopiaException($"--out {requested} is a folder; give a file name");
        Probe(Path.GetDirectoryName(full)!, requested, "--out");
        return full;
    }

    // Makes the folder and writes and deletes an empty file in it, so a read-only or missing
    // location is refused before any work rather than after it.
    private static void Probe(string folder, string requested, string option)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MyopiaException($"cannot write into {option} {requested}: {e.Message}");
        }
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
