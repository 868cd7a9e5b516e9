namespace Myopia.Data.Transforms;

/// <summary>
/// Resizes uint8 images exactly as Pillow's <c>Image.resize</c> does (libImaging/Resample.c), so that
/// a torchvision pipeline on PIL images and this one give the same pixels: a separable two-pass
/// convolution (horizontal, then vertical), the filter widened by the downscale factor (antialiasing),
/// coefficients rounded to 22-bit fixed point and every pass rounded back to 8 bits. Nearest is
/// Pillow's affine nearest, sampling at the centre of each output pixel.
/// </summary>
public static class PillowResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static PlanarImage Resize(PlanarImage image, int width, int height, Interpolation mode)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"cannot resize to {width}x{height}");
        if (width == image.Width && height == image.Height) return image;
        if (mode == Interpolation.Nearest) return Nearest(image, width, height);
        var output = new byte[image.Channels * height * width];
        var horizontal = width != image.Width ? Coefficients.Compute(image.Width, width, mode) : null;
        var vertical = height != image.Height ? Coefficients.Compute(image.Height, height, mode) : null;
        var temp = horizontal is null ? null : new byte[image.Height * width];
        for (int c = 0; c < image.Channels; c++)
        {
            var plane = image.Plane(c);
            ReadOnlySpan<byte> source = plane;
            if (horizontal is not null)
            {
                ResampleRows(plane, image.Width, image.Height, temp!, width, horizontal);
                source = temp;
            }
            var target = output.AsSpan(c * height * width, height * width);
            if (vertical is not null) ResampleColumns(source, width, target, height, vertical);
            else source.CopyTo(target);
        }
        return new PlanarImage(output, image.Channels, height, width);
    }

    private static void ResampleRows(ReadOnlySpan<byte> input, int inWidth, int rows, Span<byte> output, int outWidth, Coefficients k)
    {
        for (int y = 0; y < rows; y++)
        {
            var row = input.Slice(y * inWidth, inWidth);
            var outRow = output.Slice(y * outWidth, outWidth);
            for (int x = 0; x < outWidth; x++)
            {
                int min = k.Min[x], count = k.Count[x], offset = x * k.Size;
                int sum = 1 << (PrecisionBits - 1);
                for (int i = 0; i < count; i++) sum += row[min + i] * k.Weights[offset + i];
                outRow[x] = Clip8(sum);
            }
        }
    }

    private static void ResampleColumns(ReadOnlySpan<byte> input, int width, Span<byte> output, int outHeight, Coefficients k)
    {
        var sums = new int[width];
        for (int y = 0; y < outHeight; y++)
        {
            int min = k.Min[y], count = k.Count[y], offset = y * k.Size;
            Array.Fill(sums, 1 << (PrecisionBits - 1));
            for (int i = 0; i < count; i++)
            {
                int w = k.Weights[offset + i];
                var row = input.Slice((min + i) * width, width);
                for (int x = 0; x < width; x++) sums[x] += row[x] * w;
            }
            var outRow = output.Slice(y * width, width);
            for (int x = 0; x < width; x++) outRow[x] = Clip8(sums[x]);
        }
    }

    private static byte Clip8(int value) => (byte)Math.Clamp(value >> PrecisionBits, 0, 255);

    // Pillow's ImagingScaleAffine: the source coordinate advances by repeated addition from the first
    // pixel's centre, and that accumulation (not a product) decides which pixel a border lands on.
    private static PlanarImage Nearest(PlanarImage image, int width, int height)
    {
        var xs = SourceIndices(image.Width, width);
        var ys = SourceIndices(image.Height, height);
        var output = new byte[image.Channels * height * width];
        for (int c = 0; c < image.Channels; c++)
        {
            var plane = image.Plane(c);
            var target = output.AsSpan(c * height * width, height * width);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    target[y * width + x] = plane[ys[y] * image.Width + xs[x]];
        }
        return new PlanarImage(output, image.Channels, height, width);
    }

    private static int[] SourceIndices(int inSize, int outSize)
    {
        double step = (double)inSize / outSize, position = step * 0.5;
        var indices = new int[outSize];
        for (int i = 0; i < outSize; i++, position += step)
            indices[i] = Math.Min(inSize - 1, position < 0 ? 0 : (int)position);
        return indices;
    }

    /// <summary>Pillow's precompute_coeffs and normalize_coeffs_8bpc for one axis.</summary>
    private sealed class Coefficients
    {
        public required int Size { get; init; }
        public required int[] Min { get; init; }
        public required int[] Count { get; init; }
        public required int[] Weights { get; init; }

        public static Coefficients Compute(int inSize, int outSize, Interpolation mode)
        {
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(1.0, scale);
            double support = Interpolations.Support(mode) * filterScale;
            int size = (int)Math.Ceiling(support) * 2 + 1;
            var min = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * size];
            var k = new double[size];
            for (int o = 0; o < outSize; o++)
            {
                double center = (o + 0.5) * scale;
                double total = 0.0, inverse = 1.0 / filterScale;
                int first = Math.Max(0, (int)(center - support + 0.5));
                int last = Math.Min(inSize, (int)(center + support + 0.5));
                int n = last - first;
                for (int i = 0; i < n; i++)
                {
                    double w = Interpolations.Filter(mode, (i + first - center + 0.5) * inverse);
                    k[i] = w;
                    total += w;
                }
                for (int i = 0; i < n; i++)
                {
                    double w = total != 0.0 ? k[i] / total : k[i];
                    weights[o * size + i] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
                }
                min[o] = first;
                count[o] = n;
            }
            return new Coefficients { Size = size, Min = min, Count = count, Weights = weights };
        }
    }
}
