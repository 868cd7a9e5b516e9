using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Myopia.Data.Sources;

/// <summary>A dataset extracted into a folder.</summary>
public sealed class DirectoryTree(string root) : FileTree
{
    public override string Location { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    public override bool IsArchive => false;

    public override string Fingerprint(Func<string, bool> wanted)
    {
        var text = new StringBuilder(Location).Append('\n');
        foreach (var (relative, info) in Wanted(wanted))
            text.Append(relative).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        // Folders too: an empty class folder added after caching must still be reported, not served from the cache.
        foreach (var folder in Folders().Order(StringComparer.Ordinal))
            text.Append(folder).Append("/\n");
        return "dir:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public override FileSet Read(Func<string, bool> wanted, Action<string>? log = null)
    {
        // Nothing is read yet: the readers' parallel decoding reads each file as it decodes it.
        var list = Wanted(wanted);
        return new FileSet(Location, list.Select(f => f.Relative).ToList(),
            relative => File.ReadAllBytes(Path.Combine(Location, relative)), Folders());
    }

    /// <summary>The wanted files' relative paths, in ordinal order (a cheap listing: nothing is read).</summary>
    public IReadOnlyList<string> List(Func<string, bool> wanted) => Wanted(wanted).Select(f => f.Relative).ToList();

    // Hidden folders are skipped like hidden files: .ipynb_checkpoints is not a class.
    private IEnumerable<string> Folders() =>
        new DirectoryInfo(Location).EnumerateDirectories("*", Options).Select(d => Normalize(Path.GetRelativePath(Location, d.FullName)));

    private static readonly EnumerationOptions Options = new() { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };

    private List<(string Relative, FileInfo Info)> Wanted(Func<string, bool> wanted)
    {
        return new DirectoryInfo(Location).EnumerateFiles("*", Options)
            .Select(f => (Relative: Normalize(Path.GetRelativePath(Location, f.FullName)), Info: f))
            .Where(f => wanted(f.Relative))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
    }
}
