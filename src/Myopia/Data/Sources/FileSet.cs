namespace Myopia.Data.Sources;

/// <summary>
/// Files read from a <see cref="FileTree"/>, keyed by relative path ('/' separators, ordinal).
/// <see cref="Origin"/> names the folder or archive, so error messages can say where a file came from.
/// </summary>
public sealed class FileSet
{
    private readonly Dictionary<string, byte[]> files;

    public FileSet(string origin, IReadOnlyDictionary<string, byte[]> files)
    {
        Origin = origin;
        this.files = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
        Paths = this.files.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public string Origin { get; }

    /// <summary>Every path, in ordinal order.</summary>
    public IReadOnlyList<string> Paths { get; }

    public int Count => files.Count;

    public bool Contains(string path) => files.ContainsKey(path);

    public byte[] this[string path] =>
        files.TryGetValue(path, out var bytes) ? bytes : throw new MyopiaException($"{Origin}: {path} is missing");

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
