namespace Myopia.Data.Sources;

/// <summary>
/// Files read from a <see cref="FileTree"/>, keyed by relative path ('/' separators, ordinal).
/// <see cref="Origin"/> names the folder or archive, so error messages can say where a file came from.
/// <see cref="Folders"/> also holds folders without any wanted file, so an empty class folder is seen, not lost.
/// A folder's files are read from disk when asked for, so listing a million photos costs no memory
/// for their bytes; an archive's are held in memory as read in its one sequential pass.
/// </summary>
public sealed class FileSet
{
    private readonly Dictionary<string, byte[]>? files;
    private readonly HashSet<string>? onDisk;
    private readonly Func<string, byte[]>? read;

    /// <param name="folders">Every folder of the tree (no trailing '/'); the wanted files' folders are always included.</param>
    public FileSet(string origin, IReadOnlyDictionary<string, byte[]> files, IEnumerable<string>? folders = null)
        : this(origin, files.Keys.ToList(), folders)
    {
        this.files = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
    }

    /// <summary>Files read on demand by <paramref name="read"/> (relative path to bytes).</summary>
    public FileSet(string origin, IReadOnlyList<string> paths, Func<string, byte[]> read, IEnumerable<string>? folders = null)
        : this(origin, paths, folders)
    {
        onDisk = new HashSet<string>(paths, StringComparer.Ordinal);
        this.read = read;
    }

    private FileSet(string origin, IReadOnlyList<string> paths, IEnumerable<string>? folders)
    {
        Origin = origin;
        Paths = paths.Order(StringComparer.Ordinal).ToList();
        var all = new HashSet<string>(folders ?? [], StringComparer.Ordinal);
        foreach (var path in Paths)
            for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
                all.Add(path[..slash]);
        Folders = all;
    }

    /// <summary>Every folder, relative, '/' separators, no trailing '/'.</summary>
    public IReadOnlySet<string> Folders { get; }

    /// <summary>The names of the folders directly inside <paramref name="folder"/> ("" or "a/b/"), in ordinal order.</summary>
    public IReadOnlyList<string> SubfolderNames(string folder) =>
        Folders.Where(f => f.StartsWith(folder, StringComparison.Ordinal) && f.Length > folder.Length && f.IndexOf('/', folder.Length) < 0)
            .Select(f => f[folder.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    public string Origin { get; }

    /// <summary>Every path, in ordinal order.</summary>
    public IReadOnlyList<string> Paths { get; }

    public int Count => Paths.Count;

    public bool Contains(string path) => files?.ContainsKey(path) ?? onDisk!.Contains(path);

    public byte[] this[string path]
    {
        get
        {
            if (files is not null)
                return files.TryGetValue(path, out var bytes) ? bytes : throw new MyopiaException($"{Origin}: {path} is missing");
            if (!onDisk!.Contains(path)) throw new MyopiaException($"{Origin}: {path} is missing");
            try { return read!(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MyopiaException($"{Origin}: {path} could not be read: {e.Message}");
            }
        }
    }

    /// <summary>The first path (ordinal order) whose file name is <paramref name="fileName"/>, or null.</summary>
    public string? FindByName(string fileName) =>
        Paths.FirstOrDefault(p => string.Equals(FileName(p), fileName, StringComparison.Ordinal));

    /// <summary>The folder part of a relative path ("" at the top), with a trailing '/' when not empty.</summary>
    public static string Folder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..(slash + 1)];
    }

    public static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
