using System.Formats.Tar;
using System.IO.Compression;

namespace Myopia.Data.Sources;

/// <summary>
/// A dataset read straight from its archive, in one sequential pass, without extracting it:
/// .tar.gz / .tgz / .tar through <see cref="TarReader"/>, .zip through <see cref="ZipArchive"/>.
/// </summary>
public sealed class ArchiveTree(string path) : FileTree
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
        try
        {
            switch (KindOf(Location))
            {
                case ArchiveKind.Zip:
                    using (var zip = ZipFile.OpenRead(Location))
                        foreach (var entry in zip.Entries)
                        {
                            var name = Normalize(entry.FullName);
                            if (name.EndsWith('/') || !wanted(name)) continue;
                            using var stream = entry.Open();
                            files[name] = ReadExactly(stream, entry.Length, name);
                        }
                    break;
                default:
                    using (var file = File.OpenRead(Location))
                    using (var stream = KindOf(Location) == ArchiveKind.Tar ? (Stream)file : new GZipStream(file, CompressionMode.Decompress))
                    using (var tar = new TarReader(stream))
                        while (tar.GetNextEntry() is { } entry)
                        {
                            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                            var name = Normalize(entry.Name);
                            if (!wanted(name) || entry.DataStream == null) continue;
                            files[name] = ReadExactly(entry.DataStream, entry.Length, name);
                        }
                    break;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException and not FileNotFoundException)
        {
            throw new MyopiaException($"{Location}: corrupt or truncated archive ({e.Message})", e);
        }
        return new FileSet(Location, files);
    }

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
