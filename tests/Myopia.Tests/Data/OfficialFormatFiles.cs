using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Myopia.Tests.Data;

/// <summary>
/// Writes small datasets byte for byte in the official layouts, with pixel values that differ
/// by image, channel, row and column (<see cref="Pixel"/>), so a reader that swaps channels,
/// transposes or flips rows reads different numbers than these files hold.
/// </summary>
public static class OfficialFormatFiles
{
    /// <summary>The value written at (image, channel, row, col): every axis moves it differently.</summary>
    public static byte Pixel(int image, int channel, int row, int col) =>
        (byte)((image * 37 + channel * 83 + row * 7 + col * 3 + row * col) & 0xFF);

    public static void WriteCifar10Binary(string folder, int perTrainBatch, int testCount, int? truncateBatch3 = null, int labelOverride = -1)
    {
        Directory.CreateDirectory(folder);
        var index = 0;
        for (var b = 1; b <= 5; b++)
        {
            var bytes = CifarRecords(perTrainBatch, ref index, labelBytes: 1, labelOverride);
            if (b == 3 && truncateBatch3 is { } cut) bytes = bytes[..^cut];
            File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), bytes);
        }
        var testIndex = 1000;
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), CifarRecords(testCount, ref testIndex, labelBytes: 1, -1));
        File.WriteAllText(Path.Combine(folder, "batches.meta.txt"),
            "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
    }

    /// <summary>Label of CIFAR image <paramref name="i"/> (fine label for CIFAR-100).</summary>
    public static int CifarLabel(int i, int classes) => (i * 3 + 1) % classes;

    public static byte[] CifarRecords(int count, ref int index, int labelBytes, int labelOverride)
    {
        var record = labelBytes + 3072;
        var bytes = new byte[count * record];
        for (var k = 0; k < count; k++, index++)
        {
            var o = k * record;
            if (labelBytes == 1) bytes[o] = (byte)(labelOverride >= 0 ? labelOverride : CifarLabel(index, 10));
            else
            {
                bytes[o] = (byte)(19 - index % 20); // coarse label: deliberately unlike the fine one
                bytes[o + 1] = (byte)CifarLabel(index, 100);
            }
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < 32; y++)
                    for (var x = 0; x < 32; x++)
                        bytes[o + labelBytes + c * 1024 + y * 32 + x] = Pixel(index, c, y, x);
        }
        return bytes;
    }

    public static void WriteCifar100Binary(string folder, int trainCount, int testCount)
    {
        Directory.CreateDirectory(folder);
        var index = 0;
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), CifarRecords(trainCount, ref index, 2, -1));
        var testIndex = 1000;
        File.WriteAllBytes(Path.Combine(folder, "test.bin"), CifarRecords(testCount, ref testIndex, 2, -1));
        File.WriteAllLines(Path.Combine(folder, "fine_label_names.txt"), Enumerable.Range(0, 100).Select(i => $"fine{i:D2}"));
        File.WriteAllLines(Path.Combine(folder, "coarse_label_names.txt"), Enumerable.Range(0, 20).Select(i => $"coarse{i:D2}"));
    }

    /// <summary>STL-10: each 96x96 plane written column-major, labels 1..10.</summary>
    public static void WriteStl10Binary(string folder, int trainCount, int testCount)
    {
        Directory.CreateDirectory(folder);
        foreach (var (split, count, first) in new[] { ("train", trainCount, 0), ("test", testCount, 500) })
        {
            var x = new byte[count * 3 * 96 * 96];
            var y = new byte[count];
            for (var i = 0; i < count; i++)
            {
                y[i] = (byte)(StlLabel(first + i) + 1);
                for (var c = 0; c < 3; c++)
                    for (var col = 0; col < 96; col++)
                        for (var row = 0; row < 96; row++)
                            x[(i * 3 + c) * 9216 + col * 96 + row] = Pixel(first + i, c, row, col);
            }
            File.WriteAllBytes(Path.Combine(folder, $"{split}_X.bin"), x);
            File.WriteAllBytes(Path.Combine(folder, $"{split}_y.bin"), y);
        }
        File.WriteAllText(Path.Combine(folder, "class_names.txt"), "airplane\nbird\ncar\ncat\ndeer\ndog\nhorse\nmonkey\nship\ntruck\n");
    }

    public static int StlLabel(int i) => (i * 7 + 2) % 10;

    /// <summary>IDX images (magic 2051) and labels (magic 2049), big-endian headers.</summary>
    public static void WriteIdx(string folder, int trainCount, int testCount, bool gzip, int rows = 28, int cols = 28)
    {
        Directory.CreateDirectory(folder);
        foreach (var (prefix, count, first) in new[] { ("train", trainCount, 0), ("t10k", testCount, 500) })
        {
            var images = IdxImages(count, first, rows, cols);
            var labels = IdxLabels(count, first);
            Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images, gzip);
            Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels, gzip);
        }
    }

    public static byte[] IdxImages(int count, int first, int rows, int cols)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 2051);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (var i = 0; i < count; i++)
            for (var y = 0; y < rows; y++)
                for (var x = 0; x < cols; x++)
                    bytes[16 + (i * rows + y) * cols + x] = Pixel(first + i, 0, y, x);
        return bytes;
    }

    public static byte[] IdxLabels(int count, int first)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 2049);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (var i = 0; i < count; i++) bytes[8 + i] = (byte)IdxLabel(first + i);
        return bytes;
    }

    public static int IdxLabel(int i) => (i * 5 + 3) % 10;

    public static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path + ".gz");
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(bytes);
    }

    /// <summary>A lossless PNG whose pixels are <see cref="Pixel"/>(image, c, y, x) (grayscale: channel 0 only).</summary>
    public static byte[] Png(int image, int width, int height, bool grayscale = false)
    {
        var info = new SKImageInfo(width, height, grayscale ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var pixels = new byte[info.BytesSize];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (grayscale) pixels[y * width + x] = Pixel(image, 0, y, x);
                else
                {
                    var o = (y * width + x) * 4;
                    for (var c = 0; c < 3; c++) pixels[o + c] = Pixel(image, c, y, x);
                    pixels[o + 3] = 255;
                }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Jpeg(int image, int width, int height)
    {
        using var decoded = SKBitmap.Decode(Png(image, width, height));
        using var data = decoded.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    /// <summary>Packs a folder into a .tar.gz with paths relative to <paramref name="folder"/>, under <paramref name="prefix"/>.</summary>
    public static void TarGz(string folder, string archive, string prefix = "", CompressionLevel level = CompressionLevel.Fastest)
    {
        using var file = File.Create(archive);
        using var gzip = new GZipStream(file, level);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            tar.WriteEntry(path, prefix + Path.GetRelativePath(folder, path).Replace('\\', '/'));
    }

    public static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
    }

    public static void WriteBytes(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}

/// <summary>A fresh folder under the temp directory, deleted at the end of the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "myopia-test-" + Guid.NewGuid().ToString("N")[..12]);

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
