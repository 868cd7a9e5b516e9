using SkiaSharp;

namespace Myopia.Data.Readers;

/// <summary>Decodes JPEG/PNG bytes into planar RGB (C x H x W) bytes with SkiaSharp; grayscale becomes RGB.</summary>
public static class ImageDecoder
{
    public static (byte[] Pixels, int Height, int Width) DecodeRgb(byte[] encoded, string nameForErrors)
    {
        using var bitmap = SKBitmap.Decode(encoded)
            ?? throw new MyopiaException($"{nameForErrors}: not a readable JPEG or PNG image");
        int h = bitmap.Height, w = bitmap.Width;
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var source = rgba ?? bitmap;
        var span = source.GetPixelSpan();
        var planar = new byte[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++)
        {
            planar[i] = span[4 * i];
            planar[plane + i] = span[4 * i + 1];
            planar[2 * plane + i] = span[4 * i + 2];
        }
        return (planar, h, w);
    }
}
