using Myopia.Data.Synthetic;

namespace Myopia.Data.Transforms;

/// <summary>
/// torchvision's <c>RandomResizedCrop(size, scale, ratio)</c>: a box covering a random fraction
/// <see cref="Scale"/> of the image's area with a log-uniform aspect ratio in <see cref="Ratio"/>,
/// drawn by <c>get_params</c>'s ten attempts and its central fallback, then resized to size x size.
/// The random numbers come from a generator seeded per image, so decoding order cannot change them.
/// </summary>
public sealed record RandomResizedCrop(int Size, double ScaleMin = 0.08, double ScaleMax = 1.0, double RatioMin = 3.0 / 4.0, double RatioMax = 4.0 / 3.0)
{
    public void Validate()
    {
        if (Size < 1) throw new MyopiaException($"random-resized-crop must be at least 1 pixel, got {Size}");
        if (!(ScaleMin > 0 && ScaleMin <= ScaleMax && ScaleMax <= 1))
            throw new MyopiaException($"scale must satisfy 0 < min <= max <= 1, got {ScaleMin}-{ScaleMax}");
        if (!(RatioMin > 0 && RatioMin <= RatioMax))
            throw new MyopiaException($"ratio must satisfy 0 < min <= max, got {RatioMin}-{RatioMax}");
    }

    /// <summary>The box (left, top, width, height) for an image of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public (int Left, int Top, int Width, int Height) SampleBox(int width, int height, ref SplitMix64 random)
    {
        double area = (double)width * height;
        double logMin = Math.Log(RatioMin), logMax = Math.Log(RatioMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (ScaleMin + (ScaleMax - ScaleMin) * random.UniformDouble());
            double aspect = Math.Exp(logMin + (logMax - logMin) * random.UniformDouble());
            // Python's round() rounds halves to even, as Math.Round does by default.
            int w = (int)Math.Round(Math.Sqrt(target * aspect));
            int h = (int)Math.Round(Math.Sqrt(target / aspect));
            if (0 < w && w <= width && 0 < h && h <= height)
                return (random.Below(width - w + 1), random.Below(height - h + 1), w, h);
        }
        // Fallback: the whole image's centre, clipped to the ratio range.
        double inRatio = (double)width / height;
        int fw, fh;
        if (inRatio < RatioMin) { fw = width; fh = (int)Math.Round(fw / RatioMin); }
        else if (inRatio > RatioMax) { fh = height; fw = (int)Math.Round(fh * RatioMax); }
        else { fw = width; fh = height; }
        return ((width - fw) / 2, (height - fh) / 2, fw, fh);
    }
}
