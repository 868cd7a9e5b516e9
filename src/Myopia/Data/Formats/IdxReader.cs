using System.Buffers.Binary;
using System.IO.Compression;
using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// MNIST and Fashion-MNIST in LeCun's IDX format: four files (train/t10k x images/labels), raw or
/// gzip-compressed (detected by the gzip magic, not the name). Headers are big-endian int32:
/// images = magic 2051, count, rows, cols, then pixels; labels = magic 2049, count, then labels.
/// One channel, 28x28.
/// </summary>
public sealed class IdxReader(string format, IReadOnlyList<string> classNames) : IDatasetReader
{
    public const int ImagesMagic = 2051;
    public const int LabelsMagic = 2049;

    public static readonly IReadOnlyList<string> DigitNames = Enumerable.Range(0, 10).Select(i => i.ToString()).ToList();

    public static readonly IReadOnlyList<string> FashionNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static IdxReader Mnist() => new("mnist-idx", DigitNames);
    public static IdxReader FashionMnist() => new("fashion-mnist-idx", FashionNames);

    /// <summary>The four official file names (without .gz), train images first.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    public string Format { get; } = format;
    public string Layout => "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each raw or .gz)";

    public bool Wants(string path) => Canonical(RootFinder.FileName(path)) != null;

    public string? FindRoot(IReadOnlyList<string> paths) =>
        paths.Where(p => Canonical(RootFinder.FileName(p)) == FileNames[0])
            .Select(FileSet.Folder)
            .OrderBy(p => p.Count(c => c == '/'))
            .ThenBy(p => p, StringComparer.Ordinal)
            .FirstOrDefault();

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        var inRoot = files.Paths.Where(p => FileSet.Folder(p) == root).ToList();
        (string Name, byte[] Bytes) Find(string canonical)
        {
            // Prefer the raw file when both it and the .gz are present (cheaper, same content).
            var path = inRoot.Where(p => Canonical(RootFinder.FileName(p)) == canonical)
                           .OrderBy(p => p.EndsWith(".gz", StringComparison.Ordinal)).FirstOrDefault()
                       ?? throw new MyopiaException($"{files.Origin}: {root}{canonical}[.gz] is missing");
            var name = RootFinder.FileName(path);
            return (name, Contents(name, files[path], images: canonical.Contains("-images-", StringComparison.Ordinal)));
        }
        var train = ReadSplit(Find(FileNames[0]), Find(FileNames[1]));
        var test = ReadSplit(Find(FileNames[2]), Find(FileNames[3]));
        return new DecodedDataset(Format, train, test, classNames);
    }

    private DecodedImages ReadSplit((string Name, byte[] Bytes) images, (string Name, byte[] Bytes) labels)
    {
        var (count, rows, cols) = ImagesHeader(images.Name, images.Bytes);
        var labelCount = LabelsHeader(labels.Name, labels.Bytes);
        if (labelCount != count)
            throw new MyopiaException($"{labels.Name}: {labelCount:N0} labels but {images.Name} has {count:N0} images");
        var pixels = images.Bytes.AsSpan(16).ToArray();
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            var label = labels.Bytes[8 + i];
            if (label >= classNames.Count)
                throw new MyopiaException($"{labels.Name}: label {label} of image {i} is outside 0..{classNames.Count - 1}");
            result[i] = label;
        }
        return new DecodedImages(pixels, result, 1, rows, cols);
    }

    private static (int Count, int Rows, int Cols) ImagesHeader(string name, byte[] bytes)
    {
        var (count, rows, cols, expected) = AnnouncedImages(name, bytes);
        if (bytes.Length != expected)
            throw new MyopiaException($"{name}: {bytes.Length:N0} bytes, but the header announces {count:N0} images of {rows}x{cols} ({expected:N0} bytes)");
        return (count, rows, cols);
    }

    /// <summary>What an image file's header announces, refused when impossible or absurd (checked before anything is allocated).</summary>
    private static (int Count, int Rows, int Cols, long Length) AnnouncedImages(string name, ReadOnlySpan<byte> header)
    {
        if (header.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(header) is var magic && magic != ImagesMagic)
            throw new MyopiaException($"{name}: magic number {magic}, expected {ImagesMagic} (IDX uint8 images)");
        if (header.Length < 16) throw new MyopiaException($"{name}: {header.Length} bytes is too short for an IDX image header (16 bytes)");
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count <= 0 || rows <= 0 || cols <= 0)
            throw new MyopiaException($"{name}: impossible header (count {count}, rows {rows}, cols {cols})");
        if (rows > ImageDecoder.MaxSide || cols > ImageDecoder.MaxSide || (long)rows * cols > ImageDecoder.MaxPixels)
            throw new MyopiaException($"{name}: header announces {rows}x{cols} images; refusing images over {ImageDecoder.MaxSide} px per side or {ImageDecoder.MaxPixels / 1e6:N0} megapixels");
        var expected = 16L + (long)count * rows * cols;
        if (expected > Array.MaxLength)
            throw new MyopiaException($"{name}: header announces {count:N0} images of {rows}x{cols} ({expected:N0} bytes), more than one split can hold");
        return (count, rows, cols, expected);
    }

    private static int LabelsHeader(string name, byte[] bytes)
    {
        var count = AnnouncedLabels(name, bytes);
        if (bytes.Length != 8L + count)
            throw new MyopiaException($"{name}: {bytes.Length:N0} bytes, but the header announces {count:N0} labels ({8L + count:N0} bytes)");
        return count;
    }

    private static int AnnouncedLabels(string name, ReadOnlySpan<byte> header)
    {
        if (header.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(header) is var magic && magic != LabelsMagic)
            throw new MyopiaException($"{name}: magic number {magic}, expected {LabelsMagic} (IDX uint8 labels)");
        if (header.Length < 8) throw new MyopiaException($"{name}: {header.Length} bytes is too short for an IDX label header (8 bytes)");
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count <= 0 || count > Array.MaxLength - 8)
            throw new MyopiaException($"{name}: impossible header ({count:N0} labels)");
        return count;
    }

    /// <summary>
    /// A file's IDX bytes: raw files as they are; gzip files decompressed to exactly the length their
    /// header announces, never more. Decompressing blindly would let a small .gz of zeros fill memory
    /// (a decompression bomb) before the header could be compared with anything.
    /// </summary>
    private static byte[] Contents(string name, byte[] bytes, bool images)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var header = new byte[images ? 16 : 8];
            var headerRead = gzip.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (headerRead < header.Length) return header[..headerRead]; // too short: the header checks say so
            var length = images ? AnnouncedImages(name, header).Length : 8L + AnnouncedLabels(name, header);
            var contents = new byte[length];
            header.CopyTo(contents, 0);
            var read = header.Length + gzip.ReadAtLeast(contents.AsSpan(header.Length), contents.Length - header.Length, throwOnEndOfStream: false);
            if (read < length) return contents[..read]; // short: the header checks name both lengths
            if (gzip.ReadByte() >= 0)
                throw new MyopiaException($"{name}: holds more data than its header announces ({length:N0} bytes); refusing it (damaged, or a decompression bomb)");
            return contents;
        }
        catch (InvalidDataException e)
        {
            throw new MyopiaException($"{name}: corrupt or truncated gzip data ({e.Message})", e);
        }
    }

    /// <summary>The canonical IDX name for a file name ("train-images.idx3-ubyte.gz" -> "train-images-idx3-ubyte"), or null.</summary>
    private static string? Canonical(string fileName)
    {
        var name = fileName.EndsWith(".gz", StringComparison.Ordinal) ? fileName[..^3] : fileName;
        name = name.Replace(".idx", "-idx", StringComparison.Ordinal);
        return FileNames.Contains(name) ? name : null;
    }
}
