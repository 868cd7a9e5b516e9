using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>One crop box, in source pixels.</summary>
public readonly record struct CropBox(int Top, int Left, int Height, int Width);

/// <summary>
/// torchvision's RandomResizedCrop with a fixed scale s (scale = (s, s)): a box covering the fraction s
/// of the image's area with aspect ratio log-uniform in [3/4, 4/3], placed uniformly; ten attempts,
/// then torchvision's fallback (the whole image, its ratio clamped to the range, centred). The box is
/// then resized to side x side. Each image draws from its own generator seeded by (seed, image index),
/// so the boxes do not depend on batching.
/// </summary>
public static class ScaleCrop
{
    public static CropBox Box(int height, int width, double scale, Random random)
    {
        double area = height * width * scale;
        double logLow = Math.Log(3.0 / 4), logHigh = Math.Log(4.0 / 3);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double ratio = Math.Exp(logLow + random.NextDouble() * (logHigh - logLow));
            int w = (int)Math.Round(Math.Sqrt(area * ratio));
            int h = (int)Math.Round(Math.Sqrt(area / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height)
                return new CropBox(random.Next(0, height - h + 1), random.Next(0, width - w + 1), h, w);
        }
        double inRatio = (double)width / height;
        int ch, cw;
        if (inRatio < 3.0 / 4) { cw = width; ch = (int)Math.Round(cw / (3.0 / 4)); }
        else if (inRatio > 4.0 / 3) { ch = height; cw = (int)Math.Round(ch * (4.0 / 3)); }
        else { cw = width; ch = height; }
        return new CropBox((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    /// <summary>A generator that depends only on (seed, image index): the same boxes in every run and any batching.</summary>
    public static Random Generator(long seed, long imageIndex) => new((int)((seed * 1_000_003L + imageIndex * 7_919L + 12_345L) & 0x7fffffff));
}
