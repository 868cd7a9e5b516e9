using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Myopia.Data.Transforms;

/// <summary>
/// Resizes uint8 images exactly as Pillow's <c>Image.resize</c> does (libImaging/Resample.c), so that
/// a torchvision pipeline on PIL images and this one give the same pixels: a separable two-pass
/// convolution (horizontal, then vertical), the filter widened by the downscale factor (antialiasing),
/// coefficients rounded to 22-bit fixed point and every pass rounded back to 8 bits. Like Pillow it
/// works on interleaved pixels, the channels of a pixel together (here in SIMD lanes). Nearest is
/// Pillow's affine nearest, sampling at the centre of each output pixel.
/// Each output pixel depends only on its own coefficients, so a window of the output (a center crop)
/// is computed alone, with the same values as cropping the full resize afterwards; and a box of the
/// input (a random crop) is resized as if it had been cropped first, edges clamped to the box.
/// </summary>
public static class PillowResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const int Half = 1 << (PrecisionBits - 1);

    /// <summary>The <paramref name="width"/> x <paramref name="height"/> resize of a planar image.</summary>
    public static PlanarImage Resize(PlanarImage image, int width, int height, Interpolation mode)
    {
        if (width == image.Width && height == image.Height) return image;
        return Resize(RgbaImage.From(image), (0, 0, image.Width, image.Height), width, height, mode, (0, 0, width, height));
    }

    /// <summary>
    /// The window (left, top, width, height) of the <paramref name="width"/> x <paramref name="height"/> resize of
    /// the <paramref name="box"/> of <paramref name="image"/>, as R, G, B planes. The box must lie inside the
    /// image and the window inside the resize.
    /// </summary>
    public static unsafe PlanarImage Resize(RgbaImage image, (int Left, int Top, int Width, int Height) box, int width, int height,
        Interpolation mode, (int Left, int Top, int Width, int Height) window)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"cannot resize to {width}x{height}");
        if (box.Left < 0 || box.Top < 0 || box.Width < 1 || box.Height < 1 || box.Left + box.Width > image.Width || box.Top + box.Height > image.Height)
            throw new ArgumentOutOfRangeException(nameof(box), $"box {box.Width}x{box.Height} at ({box.Left}, {box.Top}) is outside the {image.Width}x{image.Height} image");
        var (left, top, w, h) = window;
        if (left < 0 || top < 0 || w < 1 || h < 1 || left + w > width || top + h > height)
            throw new ArgumentOutOfRangeException(nameof(window), $"window {w}x{h} at ({left}, {top}) is outside the {width}x{height} resize");
        if (width == box.Width && height == box.Height) return image.ToPlanar(box.Left + left, box.Top + top, w, h);
        if (mode == Interpolation.Nearest) return Nearest(image, box, width, height, window);

        var horizontal = width != box.Width ? Coefficients.Compute(box.Width, width, mode, left, w) : null;
        var vertical = height != box.Height ? Coefficients.Compute(box.Height, height, mode, top, h) : null;
        // The box rows the vertical pass reads (the window's own rows when there is no vertical pass).
        int firstRow = vertical?.FirstInput ?? top, rows = vertical?.InputSpan ?? h;
        var temp = horizontal is null ? null : ArrayPool<byte>.Shared.Rent(rows * w * 4);
        var result = ArrayPool<byte>.Shared.Rent(h * w * 4);
        try
        {
            fixed (byte* input = image.Pixels, scratch = temp, output = result)
            {
                byte* origin = input + (long)(box.Top + firstRow) * image.Stride + box.Left * 4;
                byte* source;
                int sourceStride;
                if (horizontal is not null)
                {
                    ResampleRows(origin, image.Stride, rows, scratch, w, horizontal);
                    source = scratch;
                    sourceStride = w * 4;
                }
                else
                {
                    source = origin + left * 4;
                    sourceStride = image.Stride;
                }
                if (vertical is not null) ResampleColumns(source, sourceStride, w * 4, output, h, vertical, firstRow);
                else
                    for (int y = 0; y < h; y++)
                        new ReadOnlySpan<byte>(source + (long)y * sourceStride, w * 4).CopyTo(new Span<byte>(output + (long)y * w * 4, w * 4));
            }
            return new RgbaImage(result, w, h).ToPlanar();
        }
        finally
        {
            if (temp is not null) ArrayPool<byte>.Shared.Return(temp);
            ArrayPool<byte>.Shared.Return(result);
        }
    }

    // Each output pixel: the weighted sum of its taps, R, G, B and A in one 4-lane vector.
    private static unsafe void ResampleRows(byte* input, int inStride, int rows, byte* output, int outWidth, Coefficients k)
    {
        fixed (int* weights = k.Weights, min = k.Min, count = k.Count)
            for (int y = 0; y < rows; y++)
            {
                byte* row = input + (long)y * inStride;
                uint* outRow = (uint*)(output + (long)y * outWidth * 4);
                for (int x = 0; x < outWidth; x++)
                {
                    byte* p = row + min[x] * 4;
                    int* wx = weights + x * k.Size;
                    int n = count[x];
                    if (Sse41.IsSupported)
                    {
                        var sum = Vector128.Create(Half);
                        for (int i = 0; i < n; i++)
                            sum = Sse2.Add(sum, Sse41.MultiplyLow(Sse41.ConvertToVector128Int32(p + i * 4), Vector128.Create(wx[i])));
                        outRow[x] = Pack(sum);
                    }
                    else
                    {
                        int r = Half, g = Half, b = Half, a = Half;
                        for (int i = 0; i < n; i++)
                        {
                            int weight = wx[i];
                            r += p[i * 4] * weight;
                            g += p[i * 4 + 1] * weight;
                            b += p[i * 4 + 2] * weight;
                            a += p[i * 4 + 3] * weight;
                        }
                        outRow[x] = (uint)(Clip8(r) | Clip8(g) << 8 | Clip8(b) << 16 | Clip8(a) << 24);
                    }
                }
            }
    }

    // Each output row: the weighted sum of its input rows, every byte of the row (all channels) at once.
    private static unsafe void ResampleColumns(byte* input, int inStride, int rowBytes, byte* output, int outHeight, Coefficients k, int firstRow)
    {
        var sums = ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            fixed (int* s = sums, weights = k.Weights)
                for (int y = 0; y < outHeight; y++)
                {
                    int min = k.Min[y] - firstRow, n = k.Count[y];
                    int* wy = weights + y * k.Size;
                    for (int x = 0; x < rowBytes; x++) s[x] = Half;
                    for (int i = 0; i < n; i++)
                    {
                        int weight = wy[i];
                        byte* row = input + (long)(min + i) * inStride;
                        int x = 0;
                        if (Avx2.IsSupported)
                        {
                            var w8 = Vector256.Create(weight);
                            for (; x + 8 <= rowBytes; x += 8)
                                Avx.Store(s + x, Avx2.Add(Avx.LoadVector256(s + x), Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(row + x), w8)));
                        }
                        for (; x < rowBytes; x++) s[x] += row[x] * weight;
                    }
                    byte* outRow = output + (long)y * rowBytes;
                    for (int x = 0; x < rowBytes; x++) outRow[x] = (byte)Clip8(s[x]);
                }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    private static int Clip8(int value) => Math.Clamp(value >> PrecisionBits, 0, 255);

    // >> 22, then saturate to 0..255: Pillow's clip8 for four lanes.
    private static uint Pack(Vector128<int> sum)
    {
        var shifted = Sse2.ShiftRightArithmetic(sum, PrecisionBits);
        var words = Sse2.PackSignedSaturate(shifted, shifted);
        return Sse2.PackUnsignedSaturate(words, words).AsUInt32().ToScalar();
    }

    // Pillow's ImagingScaleAffine: the source coordinate advances by repeated addition from the first
    // pixel's centre, and that accumulation (not a product) decides which pixel a border lands on.
    private static PlanarImage Nearest(RgbaImage image, (int Left, int Top, int Width, int Height) box, int width, int height,
        (int Left, int Top, int Width, int Height) window)
    {
        var xs = SourceIndices(box.Width, width);
        var ys = SourceIndices(box.Height, height);
        var (left, top, w, h) = window;
        var planar = new byte[3 * h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int source = (box.Top + ys[top + y]) * image.Stride + (box.Left + xs[left + x]) * 4;
                for (int c = 0; c < 3; c++) planar[c * h * w + y * w + x] = image.Pixels[source + c];
            }
        return new PlanarImage(planar, 3, h, w);
    }

    private static int[] SourceIndices(int inSize, int outSize)
    {
        double step = (double)inSize / outSize, position = step * 0.5;
        var indices = new int[outSize];
        for (int i = 0; i < outSize; i++, position += step)
            indices[i] = Math.Min(inSize - 1, position < 0 ? 0 : (int)position);
        return indices;
    }

    /// <summary>Pillow's precompute_coeffs and normalize_coeffs_8bpc for outputs [first, first + count) of one axis.</summary>
    private sealed class Coefficients
    {
        public required int Size { get; init; }
        public required int[] Min { get; init; }
        public required int[] Count { get; init; }
        public required int[] Weights { get; init; }

        /// <summary>The first input index any output reads.</summary>
        public int FirstInput => Min.Min();

        /// <summary>How many input indices, from <see cref="FirstInput"/>, the outputs read.</summary>
        public int InputSpan => Enumerable.Range(0, Min.Length).Max(i => Min[i] + Count[i]) - FirstInput;

        public static Coefficients Compute(int inSize, int outSize, Interpolation mode, int first, int count)
        {
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(1.0, scale);
            double support = Interpolations.Support(mode) * filterScale;
            int size = (int)Math.Ceiling(support) * 2 + 1;
            var min = new int[count];
            var taps = new int[count];
            var weights = new int[count * size];
            var k = new double[size];
            for (int j = 0; j < count; j++)
            {
                int o = first + j;
                double center = (o + 0.5) * scale;
                double total = 0.0, inverse = 1.0 / filterScale;
                int lo = Math.Max(0, (int)(center - support + 0.5));
                int hi = Math.Min(inSize, (int)(center + support + 0.5));
                int n = hi - lo;
                for (int i = 0; i < n; i++)
                {
                    double w = Interpolations.Filter(mode, (i + lo - center + 0.5) * inverse);
                    k[i] = w;
                    total += w;
                }
                for (int i = 0; i < n; i++)
                {
                    double w = total != 0.0 ? k[i] / total : k[i];
                    weights[j * size + i] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
                }
                min[j] = lo;
                taps[j] = n;
            }
            return new Coefficients { Size = size, Min = min, Count = taps, Weights = weights };
        }
    }
}
