using Myopia.Data.Formats;
using Myopia.Data.Sources;

namespace Myopia.Data;

/// <summary>
/// Finds where a dataset lives. The user may point at the dataset folder, a folder that contains
/// it (or its archive), or the archive itself; with no path we look in $MYOPIA_DATA and
/// ~/.myopia/data/&lt;name&gt;. Every place tried is named in the error when nothing is found.
/// </summary>
public static class DatasetLocator
{
    /// <summary>~/.myopia/data/&lt;name&gt;, where <c>myopia data fetch</c> puts a dataset by default.</summary>
    public static string DefaultFolder(string name) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".myopia", "data", name);

    /// <summary>The places searched when no path is given, in order.</summary>
    public static IReadOnlyList<string> SearchPlaces(string name)
    {
        var places = new List<string>();
        var env = Environment.GetEnvironmentVariable("MYOPIA_DATA");
        if (!string.IsNullOrWhiteSpace(env)) places.Add(Path.GetFullPath(env));
        places.Add(DefaultFolder(name));
        return places;
    }

    /// <summary>The folder or archive holding <paramref name="info"/>'s data; MyopiaException when there is none.</summary>
    public static FileTree Locate(DatasetInfo info, string? dataDir)
    {
        var tree = TryLocate(info, dataDir, out var looked);
        if (tree != null) return tree;
        var layouts = string.Join("; or ", info.CreateReaders().Select(r => r.Layout));
        var archives = info.ArchiveHints.Count > 0 ? $", or an archive whose name contains '{info.ArchiveHints[0]}'" : "";
        var hint = info.Downloads.Count > 0 ? $" (or run 'myopia data fetch {info.Name}')" : "";
        throw new MyopiaException(
            $"{info.Name}: no data found; looked in {string.Join(", ", looked)} for {layouts}{archives}. " +
            $"Pass --data-dir (the dataset folder or its archive){hint}");
    }

    /// <summary>Like <see cref="Locate"/> but returns null, with the places tried, when nothing is found.</summary>
    public static FileTree? TryLocate(DatasetInfo info, string? dataDir, out IReadOnlyList<string> looked)
    {
        var tried = new List<string>();
        looked = tried;
        var places = dataDir != null ? [dataDir] : SearchPlaces(info.Name);
        foreach (var place in places)
        {
            var full = Path.GetFullPath(place);
            if (File.Exists(full))
            {
                if (!ArchiveTree.IsSupported(full))
                    throw new MyopiaException($"{place}: not a folder or a supported archive (.tar.gz, .tgz, .tar, .zip)");
                return Archive(info, full);
            }
            if (!Directory.Exists(full))
            {
                tried.Add($"{full} (does not exist)");
                continue;
            }
            // A shared data folder usually holds one sub-folder per dataset: try that first.
            var named = Path.Combine(full, info.Name);
            if (Directory.Exists(named) && SearchFolder(info, named) is { } inNamed) return inNamed;
            if (SearchFolder(info, full) is { } found) return found;
            tried.Add(full);
        }
        return null;
    }

    private static FileTree? SearchFolder(DatasetInfo info, string folder)
    {
        var readers = info.CreateReaders();
        // Files filed under another dataset's name (mnist/ when looking for fashion-mnist) are not ours,
        // even when the layouts share file names.
        var otherNames = DatasetCatalog.Names.Where(n => n != info.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var paths = new DirectoryTree(folder)
            .List(p => readers.Any(r => r.Wants(p)) && !p.Split('/')[..^1].Any(otherNames.Contains));
        foreach (var reader in readers)
            if (reader.FindRoot(paths) is { } root)
                return new DirectoryTree(Path.Combine(folder, root));
        if (info.ArchiveHints.Count == 0) return null;
        var archive = new DirectoryTree(folder)
            .List(p => p.Count(c => c == '/') <= 1 && ArchiveTree.IsSupported(p)
                       && info.ArchiveHints.Any(h => FileSet.FileName(p).Contains(h, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault();
        return archive == null ? null : Archive(info, Path.Combine(folder, archive));
    }

    // Read under the dataset's own unpack limit, so a bomb named cifar-10.tar.gz stops near CIFAR-10's size.
    private static ArchiveTree Archive(DatasetInfo info, string path) => new(path, UnpackLimit.For(info, path));
}
