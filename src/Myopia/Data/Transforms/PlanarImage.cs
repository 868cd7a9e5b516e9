namespace Myopia.Data.Transforms;

/// <summary>
/// One decoded image at its own size: uint8 planes (C x H x W, row-major), the form transforms work
/// on before images of a split are stacked into a tensor.
/// </summary>
public sealed record PlanarImage(byte[] Pixels, int Channels, int Height, int Width)
{
    public ReadOnlySpan<byte> Plane(int c) => Pixels.AsSpan(c * Height * Width, Height * Width);

    /// <summary>
    /// The box (left, top, width, height), as PIL's <c>Image.crop</c>: parts outside the image are
    /// zero, which is also how torchvision pads a center crop larger than the image.
    /// </summary>
    public PlanarImage Crop(int left, int top, int width, int height)
    {
        if (left == 0 && top == 0 && width == Width && height == Height) return this;
        var output = new byte[Channels * height * width];
        int x0 = Math.Max(0, left), x1 = Math.Min(Width, left + width);
        int y0 = Math.Max(0, top), y1 = Math.Min(Height, top + height);
        if (x1 > x0)
            for (int c = 0; c < Channels; c++)
                for (int y = y0; y < y1; y++)
                    Pixels.AsSpan(c * Height * Width + y * Width + x0, x1 - x0)
                        .CopyTo(output.AsSpan(c * height * width + (y - top) * width + (x0 - left)));
        return new PlanarImage(output, Channels, height, width);
    }
}
