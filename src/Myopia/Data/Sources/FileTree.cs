namespace Myopia.Data.Sources;

/// <summary>
/// A dataset as its publisher ships it: either an extracted folder or the archive itself
/// (.tar.gz, .tgz, .tar, .zip). Readers see relative paths with '/' separators either way, so every
/// format works from a folder and from its archive without being written twice.
/// </summary>
public abstract class FileTree
{
    /// <summary>The folder or archive this tree reads, as an absolute path.</summary>
    public abstract string Location { get; }

    /// <summary>True for an archive (read in one sequential pass), false for a folder.</summary>
    public abstract bool IsArchive { get; }

    /// <summary>
    /// A string that changes whenever the files a reader would read change: the archive's path,
    /// size and modification time, or for a folder every wanted file's path, size and time.
    /// Cheap compared with reading, so the decoded-tensor cache can be checked first.
    /// </summary>
    public abstract string Fingerprint(Func<string, bool> wanted);

    /// <summary>Reads every file whose relative path satisfies <paramref name="wanted"/>.</summary>
    public abstract FileSet Read(Func<string, bool> wanted, Action<string>? log = null);

    /// <summary>Opens a folder or a supported archive; anything else is a clear error.</summary>
    public static FileTree Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return new DirectoryTree(full);
        if (!File.Exists(full)) throw new MyopiaException($"{path}: no such file or folder");
        if (ArchiveTree.IsSupported(full)) return new ArchiveTree(full);
        throw new MyopiaException($"{path}: not a folder or a supported archive (.tar.gz, .tgz, .tar, .zip)");
    }

    /// <summary>Relative path with '/' separators, the form readers match against.</summary>
    internal static string Normalize(string relative) => relative.Replace('\\', '/').TrimStart('/');
}
