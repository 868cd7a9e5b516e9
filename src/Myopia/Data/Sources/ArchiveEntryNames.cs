namespace Myopia.Data.Sources;

/// <summary>
/// The paths an archive's entries claim, checked as they arrive. A path that is a file in one entry
/// and a folder in another ("train/cat" and "train/cat/1.png") cannot exist on disk, so reading and
/// extracting would disagree about the dataset; it is refused with one line naming the archive.
/// Also remembers every folder, empty ones included, for readers that must notice empty class folders.
/// </summary>
internal sealed class ArchiveEntryNames(string archive)
{
    private readonly HashSet<string> files = new(StringComparer.Ordinal);
    private readonly HashSet<string> folders = new(StringComparer.Ordinal);
    private readonly HashSet<string> foldersAsRead = new(StringComparer.Ordinal);

    /// <summary>
    /// Every folder named by an entry or implied by one's path, spelled as readers see paths
    /// (<see cref="FileTree.Normalize"/>: "./data/train", not "data/train"), no trailing '/'.
    /// </summary>
    public IReadOnlyCollection<string> Folders => foldersAsRead;

    public void AddFile(string entryName)
    {
        RememberFolders(entryName, isFolder: false);
        var path = Clean(entryName);
        if (path.Length == 0) return;
        AddParents(path);
        if (folders.Contains(path)) throw Conflict(path);
        files.Add(path);
    }

    public void AddFolder(string entryName)
    {
        RememberFolders(entryName, isFolder: true);
        var path = Clean(entryName);
        if (path.Length == 0) return;
        AddParents(path);
        if (files.Contains(path)) throw Conflict(path);
        folders.Add(path);
    }

    private void AddParents(string path)
    {
        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            var parent = path[..slash];
            if (files.Contains(parent)) throw Conflict(parent);
            folders.Add(parent);
        }
    }

    private void RememberFolders(string entryName, bool isFolder)
    {
        var path = FileTree.Normalize(entryName).TrimEnd('/');
        if (isFolder && path.Length > 0) foldersAsRead.Add(path);
        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
            foldersAsRead.Add(path[..slash]);
    }

    private MyopiaException Conflict(string path) =>
        new($"{archive}: '{path}' is both a file and a folder in this archive; refusing it (repack it without the clash)");

    // "./train//cat/" and "train/cat" name the same place.
    private static string Clean(string entryName) =>
        string.Join('/', entryName.Replace('\\', '/').Split('/').Where(p => p.Length > 0 && p != "."));
}
