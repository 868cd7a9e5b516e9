using System.Formats.Tar;
using System.IO.Compression;
using Myopia.Data.Sources;

namespace Myopia.Data.Fetching;

/// <summary>
/// Extracts .tar.gz/.tgz/.tar/.zip archives without trusting their entry names: an entry whose
/// path is absolute, climbs out with "..", or is a link is refused. Everything is first written to
/// a staging folder inside the target and moved into place only when the whole archive passed,
/// so a refused archive leaves nothing behind, inside or outside the target.
/// </summary>
public static class SafeExtractor
{
    public static bool IsArchive(string path) => ArchiveTree.IsSupported(path);

    /// <summary>Extracts <paramref name="archive"/> into <paramref name="destination"/>; returns the relative paths written.</summary>
    public static IReadOnlyList<string> Extract(string archive, string destination)
    {
        var target = Path.GetFullPath(destination);
        Directory.CreateDirectory(target);
        var staging = Path.Combine(target, $".extract-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        var written = new List<string>();
        try
        {
            switch (ArchiveTree.KindOf(archive))
            {
                case ArchiveTree.ArchiveKind.Zip:
                    ExtractZip(archive, staging, written);
                    break;
                case ArchiveTree.ArchiveKind.None:
                    throw new MyopiaException($"{archive}: not an archive this tool extracts (.tar.gz, .tgz, .tar, .zip)");
                default:
                    ExtractTar(archive, staging, written);
                    break;
            }
            MoveContents(staging, target);
            return written;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new MyopiaException($"{Path.GetFileName(archive)}: corrupt archive ({e.Message}); nothing was extracted", e);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The full path an entry would be written to under <paramref name="root"/>, or a refusal.</summary>
    public static string SafePath(string root, string entryName, string archiveName)
    {
        var name = entryName.Replace('\\', '/');
        if (name.Length == 0 || name.StartsWith('/') || Path.IsPathRooted(name) || (name.Length >= 2 && name[1] == ':'))
            throw Refuse(archiveName, entryName, "has an absolute path");
        var full = Path.GetFullPath(Path.Combine(root, name));
        var rootWithSeparator = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal) && full != Path.TrimEndingDirectorySeparator(root))
            throw Refuse(archiveName, entryName, "points outside the target folder");
        return full;
    }

    private static MyopiaException Refuse(string archive, string entry, string why) =>
        new($"{archive}: entry '{entry}' {why}; refusing to extract this archive (nothing was extracted)");

    private static void ExtractTar(string archive, string staging, List<string> written)
    {
        var archiveName = Path.GetFileName(archive);
        using var file = File.OpenRead(archive);
        using var stream = ArchiveTree.KindOf(archive) == ArchiveTree.ArchiveKind.Tar ? (Stream)file : new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(stream);
        while (tar.GetNextEntry() is { } entry)
        {
            var path = SafePath(staging, entry.Name, archiveName);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    using (var output = File.Create(path))
                        entry.DataStream?.CopyTo(output);
                    written.Add(Relative(staging, path));
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    throw Refuse(archiveName, entry.Name, "is a link");
                case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes or TarEntryType.LongLink or TarEntryType.LongPath:
                    break; // metadata records, already folded into the next entry by TarReader
                default:
                    throw Refuse(archiveName, entry.Name, $"is a {entry.EntryType} entry");
            }
        }
    }

    private static void ExtractZip(string archive, string staging, List<string> written)
    {
        var archiveName = Path.GetFileName(archive);
        using var zip = ZipFile.OpenRead(archive);
        // Check every name before writing anything, so a refusal cannot leave a partial tree.
        var entries = zip.Entries.Select(e => (Entry: e, Path: SafePath(staging, e.FullName, archiveName))).ToList();
        foreach (var (entry, path) in entries)
        {
            if (entry.FullName.EndsWith('/'))
            {
                Directory.CreateDirectory(path);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path, overwrite: true);
            written.Add(Relative(staging, path));
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    /// <summary>Moves the staged tree into the target, replacing files of the same name (a re-fetch).</summary>
    private static void MoveContents(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from))
        {
            var destination = Path.Combine(to, Path.GetFileName(directory));
            if (!Directory.Exists(destination) && !File.Exists(destination)) Directory.Move(directory, destination);
            else
            {
                Directory.CreateDirectory(destination);
                MoveContents(directory, destination);
            }
        }
        foreach (var file in Directory.GetFiles(from))
            File.Move(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}
