using System.Formats.Tar;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Myopia.Data.Readers;

/// <summary>
/// Reads an ImageFolder tree, <c>&lt;root&gt;/&lt;split&gt;/&lt;class&gt;/&lt;image&gt;</c> (JPEG/PNG), from a folder or
/// straight from a .tar.gz / .tgz archive. Class index = position of the class folder in ordinal
/// (byte-wise) sorted order, as torchvision's ImageFolder. The split folder may sit below a top
/// folder (e.g. <c>cifar10/train/...</c>). Decoding runs in parallel over all cores.
/// </summary>
public static class ImageFolderReader
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public static bool IsArchive(string path) =>
        path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the splits named (e.g. "train", then "test" or "val") into datasets.</summary>
    public static Dictionary<string, ImageDataset> Read(string source, string name, string[] splits)
    {
        var files = IsArchive(source) ? ListArchive(source, splits) : ListFolder(source, splits);
        var result = new Dictionary<string, ImageDataset>();
        var classNames = files.Select(f => f.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classNames.Count == 0)
            throw new MyopiaException($"{source}: no images found in <split>/<class>/ folders for splits {string.Join(", ", splits)}");
        foreach (var split in splits)
        {
            var entries = files.Where(f => f.Split == split).OrderBy(f => f.Class, StringComparer.Ordinal).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
            if (entries.Count == 0) continue;
            result[split] = Decode(entries, classNames, $"{name}/{split}");
        }
        return result;
    }

    private sealed record Entry(string Split, string Class, string Path, Func<byte[]> Bytes);

    private static List<Entry> ListFolder(string root, string[] splits)
    {
        var found = new List<Entry>();
        foreach (var dir in new[] { root }.Concat(Directory.GetDirectories(root)))
        foreach (var split in splits)
        {
            var splitDir = System.IO.Path.Combine(dir, split);
            if (!Directory.Exists(splitDir) || found.Any(f => f.Split == split)) continue;
            foreach (var classDir in Directory.GetDirectories(splitDir))
            foreach (var file in Directory.GetFiles(classDir))
                if (Extensions.Contains(System.IO.Path.GetExtension(file).ToLowerInvariant()))
                {
                    var path = file;
                    found.Add(new Entry(split, System.IO.Path.GetFileName(classDir), path, () => File.ReadAllBytes(path)));
                }
        }
        return found;
    }

    private static List<Entry> ListArchive(string archive, string[] splits)
    {
        var found = new List<Entry>();
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                var parts = entry.Name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 3 || !Extensions.Contains(System.IO.Path.GetExtension(parts[^1]).ToLowerInvariant())) continue;
                string split = parts[^3], cls = parts[^2];
                if (!splits.Contains(split)) continue;
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                var bytes = buffer.ToArray();
                found.Add(new Entry(split, cls, entry.Name, () => bytes));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new MyopiaException($"{archive}: corrupt or truncated archive ({e.Message})", e);
        }
        return found;
    }

    private static ImageDataset Decode(List<Entry> entries, List<string> classNames, string name)
    {
        var first = ImageDecoder.DecodeRgb(entries[0].Bytes(), entries[0].Path);
        int h = first.Height, w = first.Width, size = 3 * h * w;
        var pixels = new byte[(long)entries.Count * size];
        var labels = new long[entries.Count];
        var classIndex = classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        Parallel.For(0, entries.Count, i =>
        {
            var (data, ih, iw) = ImageDecoder.DecodeRgb(entries[i].Bytes(), entries[i].Path);
            if (ih != h || iw != w)
                throw new MyopiaException($"{entries[i].Path}: image is {ih}x{iw} but the others are {h}x{w}; all images of a split must have one size");
            Buffer.BlockCopy(data, 0, pixels, i * size, size);
            labels[i] = classIndex[entries[i].Class];
        });
        return new ImageDataset(name, tensor(pixels).view(entries.Count, 3, h, w), tensor(labels), classNames);
    }
}
