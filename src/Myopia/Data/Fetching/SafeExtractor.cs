using System.Formats.Tar;
using System.IO.Compression;
using Myopia.Data.Sources;

namespace Myopia.Data.Fetching;

/// <summary>
/// Extracts .tar.gz/.tgz/.tar/.zip archives without trusting their entry names: an entry whose
/// path is absolute, climbs out with "..", or is a link is refused, as is a path that is both a file
/// and a folder, a gzip member or zip entry whose CRC32 (or length) does not match, and an archive unpacking to more
/// than its <see cref="UnpackLimit"/> (a decompression bomb). Everything is first written to
/// a staging folder inside the target and moved into place only when the whole archive passed,
/// so a refused archive leaves nothing behind, inside or outside the target.
/// </summary>
public static class SafeExtractor
{
    public static bool IsArchive(string path) => ArchiveTree.IsSupported(path);

    /// <summary>
    /// Extracts <paramref name="archive"/> into <paramref name="destination"/>; returns the relative paths written.
    /// <paramref name="limit"/> caps the unpacked bytes (default: the ratio rule for unknown archives).
    /// </summary>
    public static IReadOnlyList<string> Extract(string archive, string destination, UnpackLimit? limit = null)
    {
        var target = Path.GetFullPath(destination);
        Directory.CreateDirectory(target);
        var staging = Path.Combine(target, $".extract-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        var written = new List<string>();
        var budget = new UnpackBudget(limit ?? UnpackLimit.ForUnknownArchive(new FileInfo(archive).Length), Path.GetFileName(archive));
        try
        {
            switch (ArchiveTree.KindOf(archive))
            {
                case ArchiveTree.ArchiveKind.Zip:
                    ExtractZip(archive, staging, written, budget);
                    break;
                case ArchiveTree.ArchiveKind.None:
                    throw new MyopiaException($"{archive}: not an archive this tool extracts (.tar.gz, .tgz, .tar, .zip)");
                default:
                    ExtractTar(archive, staging, written, budget);
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

    private static void ExtractTar(string archive, string staging, List<string> written, UnpackBudget budget)
    {
        var archiveName = Path.GetFileName(archive);
        var names = new ArchiveEntryNames(archiveName);
        using var stream = budget.Watch(ArchiveTree.OpenTarStream(archive));
        using (var tar = new TarReader(stream, leaveOpen: true))
            while (tar.GetNextEntry() is { } entry)
                ExtractTarEntry(entry, staging, archiveName, names, written);
        ArchiveTree.DrainToTheGzipTrailer(stream);
    }

    private static void ExtractTarEntry(TarEntry entry, string staging, string archiveName, ArchiveEntryNames names, List<string> written)
    {
        var path = SafePath(staging, entry.Name, archiveName);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                names.AddFolder(entry.Name);
                Directory.CreateDirectory(path);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                names.AddFile(entry.Name);
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

    private static void ExtractZip(string archive, string staging, List<string> written, UnpackBudget budget)
    {
        var archiveName = Path.GetFileName(archive);
        using var zip = ZipFile.OpenRead(archive);
        // Check every name before writing anything, so a refusal cannot leave a partial tree.
        var entries = zip.Entries.Select(e => (Entry: e, Path: SafePath(staging, e.FullName, archiveName))).ToList();
        var names = new ArchiveEntryNames(archiveName);
        foreach (var (entry, _) in entries)
            if (entry.FullName.EndsWith('/')) names.AddFolder(entry.FullName);
            else names.AddFile(entry.FullName);
        foreach (var (entry, path) in entries)
        {
            if (entry.FullName.EndsWith('/'))
            {
                Directory.CreateDirectory(path);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Copied through the budget rather than ExtractToFile, whose output is bounded by nothing.
            using (var input = budget.Watch(entry.Open()))
            using (var output = File.Create(path))
                CopyCheckingCrc(input, output, entry);
            written.Add(Relative(staging, path));
        }
    }

    private static void CopyCheckingCrc(Stream input, Stream output, ZipArchiveEntry entry)
    {
        var crc = new ZipEntryCrc();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            crc.Append(buffer.AsSpan(0, n));
            output.Write(buffer, 0, n);
        }
        crc.VerifyEqual(entry.Crc32, entry.FullName);
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
