using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Myopia.Data.Readers;

/// <summary>
/// MNIST / Fashion-MNIST IDX files (.gz or raw): big-endian int32 header, magic 2051 for images
/// (count, rows, cols, then row-major uint8 pixels) and 2049 for labels (count, then uint8 labels).
/// </summary>
public static class IdxReader
{
    public static ImageDataset ReadSplit(string folder, string prefix, string name, IReadOnlyList<string> classNames)
    {
        var images = ReadImages(Find(folder, $"{prefix}-images-idx3-ubyte"));
        var labels = ReadLabels(Find(folder, $"{prefix}-labels-idx1-ubyte"));
        if (images.shape[0] != labels.shape[0])
            throw new MyopiaException($"{folder}: {prefix} has {images.shape[0]} images but {labels.shape[0]} labels");
        return new ImageDataset(name, images, labels, classNames);
    }

    private static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx") + ".gz", stem.Replace("-idx", ".idx") })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new MyopiaException($"{folder}: missing {stem}(.gz)");
    }

    private static byte[] ReadAll(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new MyopiaException($"{path}: corrupt gzip data ({e.Message})", e);
        }
    }

    public static Tensor ReadImages(string path)
    {
        var bytes = ReadAll(path);
        if (bytes.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(bytes) != 2051)
            throw new MyopiaException($"{path}: not an IDX image file (magic 2051 expected)");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        long expected = 16L + (long)count * rows * cols;
        if (count < 0 || rows <= 0 || cols <= 0 || bytes.Length != expected)
            throw new MyopiaException($"{path}: {bytes.Length:N0} bytes, but the header ({count} images of {rows}x{cols}) needs {expected:N0}; truncated or corrupt");
        return tensor(bytes.AsSpan(16).ToArray()).view(count, 1, rows, cols);
    }

    public static Tensor ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != 2049)
            throw new MyopiaException($"{path}: not an IDX label file (magic 2049 expected)");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0 || bytes.Length != 8L + count)
            throw new MyopiaException($"{path}: {bytes.Length:N0} bytes, but the header ({count} labels) needs {8L + count:N0}; truncated or corrupt");
        return tensor(bytes.AsSpan(8).ToArray().Select(b => (long)b).ToArray());
    }
}
