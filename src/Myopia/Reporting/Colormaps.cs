using SkiaSharp;

namespace Myopia.Reporting;

/// <summary>The colormaps of the heatmaps: jet for values (as cv2.COLORMAP_JET) and tab10 for classes.</summary>
public static class Colormaps
{
    /// <summary>Jet for v in [0, 1].</summary>
    public static SKColor Jet(double v)
    {
        v = Math.Clamp(v, 0, 1);
        double r = Math.Clamp(1.5 - Math.Abs(4 * v - 3), 0, 1);
        double g = Math.Clamp(1.5 - Math.Abs(4 * v - 2), 0, 1);
        double b = Math.Clamp(1.5 - Math.Abs(4 * v - 1), 0, 1);
        return new SKColor((byte)(255 * r), (byte)(255 * g), (byte)(255 * b));
    }

    private static readonly SKColor[] Tab10 =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
    ];

    /// <summary>tab10 for the first ten classes, then evenly spaced hues.</summary>
    public static SKColor Class(int index, int classes) =>
        index < Tab10.Length && classes <= Tab10.Length ? Tab10[index] : SKColor.FromHsv(360f * index / Math.Max(1, classes), 75, 90);
}
