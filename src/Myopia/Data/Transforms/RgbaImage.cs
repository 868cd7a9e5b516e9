namespace Myopia.Data.Transforms;

/// <summary>
/// A decoded image as the decoder gives it: interleaved R, G, B, A bytes, row after row (the buffer may
/// be longer, e.g. rented from a pool). Resampling works on this form, all channels of a pixel at once,
/// and writes planes only for the final, smaller image.
/// </summary>
public readonly record struct RgbaImage(byte[] Pixels, int Width, int Height)
{
    public int Stride => Width * 4;

    /// <summary>A planar image's pixels interleaved (alpha opaque); grayscale is replicated to R, G and B.</summary>
    public static RgbaImage From(PlanarImage image)
    {
        if (image.Channels is not (1 or 3)) throw new ArgumentException($"expected 1 or 3 channels, got {image.Channels}");
        int n = image.Height * image.Width;
        var rgba = new byte[n * 4];
        for (int c = 0; c < 3; c++)
        {
            var plane = image.Plane(image.Channels == 1 ? 0 : c);
            for (int i = 0; i < n; i++) rgba[i * 4 + c] = plane[i];
        }
        for (int i = 0; i < n; i++) rgba[i * 4 + 3] = 255;
        return new RgbaImage(rgba, image.Width, image.Height);
    }

    /// <summary>The R, G and B planes of the box (left, top, width, height), which must lie inside the image.</summary>
    public PlanarImage ToPlanar(int left, int top, int width, int height)
    {
        var planar = new byte[3 * width * height];
        int plane = width * height;
        for (int y = 0; y < height; y++)
        {
            int source = (top + y) * Stride + left * 4, target = y * width;
            for (int x = 0; x < width; x++, source += 4, target++)
            {
                planar[target] = Pixels[source];
                planar[plane + target] = Pixels[source + 1];
                planar[2 * plane + target] = Pixels[source + 2];
            }
        }
        return new PlanarImage(planar, 3, height, width);
    }

    public PlanarImage ToPlanar() => ToPlanar(0, 0, Width, Height);
}
