using System.Diagnostics;
using SkiaSharp;

namespace Myopia.Data.Formats;

/// <summary>
/// Decodes JPEG/PNG files with SkiaSharp into planar RGB uint8 (grayscale replicated to three
/// channels, alpha dropped), in parallel across cores. All images of one call must share a size,
/// because a dataset tensor is N x 3 x H x W.
/// </summary>
public static class ImageDecoder
{
    public const int Channels = 3;

    /// <summary>
    /// The largest side accepted, and the most pixels per image: a header is only a claim, and a
    /// 100-byte PNG can claim 100000x100000, which would be allocated before a single pixel is read.
    /// Larger than any dataset image this lab uses; the whole split must also fit one array.
    /// </summary>
    public const int MaxSide = 16384;
    public const long MaxPixels = 1L << 26;

    public static bool IsImageFile(string path)
    {
        var dot = path.LastIndexOf('.');
        if (dot < 0) return false;
        var ext = path[(dot + 1)..].ToLowerInvariant();
        return ext is "jpg" or "jpeg" or "png";
    }

    /// <summary>
    /// Decodes <paramref name="files"/> (name, encoded bytes) into one N x 3 x H x W buffer.
    /// <paramref name="log"/> receives a progress line every few seconds for long jobs.
    /// </summary>
    public static (byte[] Pixels, int Height, int Width) DecodeAll(IReadOnlyList<(string Name, byte[] Bytes)> files, Action<string>? log = null)
    {
        var bytes = files.ToDictionary(f => f.Name, f => f.Bytes, StringComparer.Ordinal);
        return DecodeAll(files.Select(f => f.Name).ToList(), name => bytes[name], log);
    }

    /// <summary>
    /// Decodes the files <paramref name="names"/>, whose bytes <paramref name="read"/> gives (read inside the
    /// parallel loop, so a folder's files are never all in memory at once), into one N x 3 x H x W buffer.
    /// </summary>
    public static (byte[] Pixels, int Height, int Width) DecodeAll(IReadOnlyList<string> names, Func<string, byte[]> read, Action<string>? log = null)
    {
        if (names.Count == 0) return (Array.Empty<byte>(), 0, 0);
        var (width, height) = Size(names[0], read(names[0]));
        var files = names;
        var imageBytes = Channels * height * width;
        var total = (long)files.Count * imageBytes;
        if (total > Array.MaxLength)
            throw new MyopiaException($"{files.Count:N0} images of {Channels}x{height}x{width} need {total / 1e9:N1} GB, more than one in-memory split can hold ({Array.MaxLength / 1e9:N1} GB); use a subset or smaller images");
        var pixels = new byte[total];
        var done = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = 0L;
        var progressLock = new object();
        ParallelWork.Run(() => Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new byte[width * height * 4],
            (i, _, rgba) =>
            {
                var name = files[i];
                DecodeRgba(name, read(name), width, height, rgba);
                ToPlanar(rgba, pixels.AsSpan(i * imageBytes, imageBytes), width * height);
                var n = Interlocked.Increment(ref done);
                if (log != null && clock.ElapsedMilliseconds - Interlocked.Read(ref lastReport) > 3000)
                    lock (progressLock)
                        if (clock.ElapsedMilliseconds - lastReport > 3000)
                        {
                            lastReport = clock.ElapsedMilliseconds;
                            var rate = n / clock.Elapsed.TotalSeconds;
                            log($"decoded {n:N0}/{files.Count:N0} images ({rate:N0}/s, ETA {(files.Count - n) / rate:N0} s)");
                        }
                return rgba;
            },
            _ => { }));
        return (pixels, height, width);
    }

    /// <summary>Decodes one image into planar RGB (3 x H x W).</summary>
    public static (byte[] Pixels, int Height, int Width) Decode(string name, byte[] bytes)
    {
        var (width, height) = Size(name, bytes);
        // Streaming decodes every photo every epoch: a pooled buffer spares the large-object heap.
        var rgba = System.Buffers.ArrayPool<byte>.Shared.Rent(width * height * 4);
        try
        {
            DecodeRgba(name, bytes, width, height, rgba);
            var planar = new byte[Channels * width * height];
            ToPlanar(rgba, planar, width * height);
            return (planar, height, width);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>
    /// Decodes one image of any size into interleaved RGBA in a buffer rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>;
    /// the caller returns it. Streaming decodes every photo every epoch, and pooled buffers spare the large-object heap.
    /// </summary>
    public static Transforms.RgbaImage DecodeRented(string name, byte[] bytes)
    {
        var (width, height) = Size(name, bytes);
        var rgba = System.Buffers.ArrayPool<byte>.Shared.Rent(width * height * 4);
        try
        {
            DecodeRgba(name, bytes, width, height, rgba);
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rgba);
            throw;
        }
        return new Transforms.RgbaImage(rgba, width, height);
    }

    /// <summary>Decodes one image of any size into three uint8 planes.</summary>
    public static Transforms.PlanarImage DecodePlanar(string name, byte[] bytes)
    {
        var (pixels, height, width) = Decode(name, bytes);
        return new Transforms.PlanarImage(pixels, Channels, height, width);
    }

    /// <summary>The size an image's header claims (nothing is decoded), refused when absurd.</summary>
    public static (int Width, int Height) Size(string name, byte[] bytes)
    {
        using var codec = OpenCodec(name, bytes);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw new MyopiaException($"{name}: header claims {width}x{height} pixels; refusing images over {MaxSide} px per side or {MaxPixels / 1e6:N0} megapixels (damaged or hostile file?)");
        return (width, height);
    }

    private static SKCodec OpenCodec(string name, byte[] bytes)
    {
        // Native memory, not a managed stream: Skia would read a MemoryStream through a callback per chunk.
        // The codec keeps its own reference to the data.
        using var data = SKData.CreateCopy(bytes);
        var codec = SKCodec.Create(data);
        return codec ?? throw new MyopiaException($"{name}: not a decodable JPEG or PNG image");
    }

    private static unsafe void DecodeRgba(string name, byte[] bytes, int width, int height, byte[] rgba)
    {
        using var codec = OpenCodec(name, bytes);
        if (codec.Info.Width != width || codec.Info.Height != height)
            throw new MyopiaException($"{name}: image is {codec.Info.Width}x{codec.Info.Height}, but the others are {width}x{height}; all images of a dataset must have the same size");
        // Asking for RGBA8888 makes Skia convert grayscale and palette images to RGB for us.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        fixed (byte* p = rgba)
        {
            var result = codec.GetPixels(info, (IntPtr)p);
            if (result != SKCodecResult.Success)
                throw new MyopiaException($"{name}: image could not be decoded ({result})");
        }
    }

    private static void ToPlanar(ReadOnlySpan<byte> rgba, Span<byte> planar, int pixelCount)
    {
        var r = planar[..pixelCount];
        var g = planar.Slice(pixelCount, pixelCount);
        var b = planar.Slice(2 * pixelCount, pixelCount);
        for (int i = 0, j = 0; i < pixelCount; i++, j += 4)
        {
            r[i] = rgba[j];
            g[i] = rgba[j + 1];
            b[i] = rgba[j + 2];
        }
    }
}
