using System.Formats.Tar;
using System.IO.Compression;

namespace Myopia.Data.Sources;

/// <summary>
/// A dataset read straight from its archive, in one sequential pass, without extracting it:
/// .tar.gz / .tgz / .tar through <see cref="TarReader"/>, .zip through <see cref="ZipArchive"/>.
/// Hostile or damaged archives are refused before anything is decoded or cached: a gzip member or
/// zip entry whose CRC32 (or length) does not match its data, a path that is both a file and a folder, or more
/// unpacked bytes than <paramref name="limit"/> allows (by default the ratio rule for unknown archives).
/// </summary>
public sealed class ArchiveTree(string path, UnpackLimit? limit = null) : FileTree
{
    public override string Location { get; } = Path.GetFullPath(path);
    public override bool IsArchive => true;

    public static bool IsSupported(string path) => KindOf(path) != ArchiveKind.None;

    public override string Fingerprint(Func<string, bool> wanted)
    {
        var info = new FileInfo(Location);
        return $"archive:{Location}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
    }

    public override FileSet Read(Func<string, bool> wanted, Action<string>? log = null)
    {
        log?.Invoke($"reading {Location}");
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var names = new ArchiveEntryNames(Location);
        var budget = new UnpackBudget(limit ?? UnpackLimit.ForUnknownArchive(new FileInfo(Location).Length), Location);
        try
        {
            switch (KindOf(Location))
            {
                case ArchiveKind.Zip:
                    using (var zip = ZipFile.OpenRead(Location))
                        foreach (var entry in zip.Entries)
                        {
                            if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                            {
                                names.AddFolder(entry.FullName);
                                continue;
                            }
                            names.AddFile(entry.FullName);
                            var name = Normalize(entry.FullName);
                            if (!wanted(name)) continue;
                            budget.EnsureRoom(entry.Length);
                            using var stream = budget.Watch(entry.Open());
                            var bytes = ReadExactly(stream, entry.Length, name);
                            ZipEntryCrc.Verify(entry.Crc32, bytes, name);
                            files[name] = bytes;
                        }
                    break;
                default:
                    using (var stream = budget.Watch(OpenTarStream(Location)))
                    {
                        using (var tar = new TarReader(stream, leaveOpen: true))
                            while (tar.GetNextEntry() is { } entry)
                            {
                                if (entry.EntryType == TarEntryType.Directory)
                                {
                                    names.AddFolder(entry.Name);
                                    continue;
                                }
                                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                                names.AddFile(entry.Name);
                                var name = Normalize(entry.Name);
                                if (!wanted(name) || entry.DataStream == null) continue;
                                budget.EnsureRoom(entry.Length);
                                files[name] = ReadExactly(entry.DataStream, entry.Length, name);
                            }
                        DrainToTheGzipTrailer(stream);
                    }
                    break;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException and not FileNotFoundException)
        {
            throw new MyopiaException($"{Location}: corrupt or truncated archive ({e.Message})", e);
        }
        return new FileSet(Location, files, names.Folders);
    }

    /// <summary>The archive's tar stream: the file itself for .tar, its decompressed content for .tar.gz / .tgz.</summary>
    internal static Stream OpenTarStream(string archive)
    {
        var file = File.OpenRead(archive);
        return KindOf(archive) == ArchiveKind.Tar ? file : new GZipStream(file, CompressionMode.Decompress);
    }

    /// <summary>
    /// Reads the tar stream to its very end. TarReader stops at the end-of-archive blocks, before the
    /// gzip trailer; zlib checks each member's CRC32 and length (ISIZE) only when it reaches that
    /// trailer, so without this a flipped byte would yield wrong files that are then decoded and cached.
    /// </summary>
    internal static void DrainToTheGzipTrailer(Stream tarStream) => tarStream.CopyTo(Stream.Null);

    private static byte[] ReadExactly(Stream stream, long length, string name)
    {
        if (length > Array.MaxLength) throw new MyopiaException($"{name}: {length:N0} bytes is too large to read into memory");
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    internal enum ArchiveKind { None, TarGz, Tar, Zip }

    internal static ArchiveKind KindOf(string path)
    {
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".tar.gz") || lower.EndsWith(".tgz")) return ArchiveKind.TarGz;
        if (lower.EndsWith(".tar")) return ArchiveKind.Tar;
        if (lower.EndsWith(".zip")) return ArchiveKind.Zip;
        return ArchiveKind.None;
    }
}
