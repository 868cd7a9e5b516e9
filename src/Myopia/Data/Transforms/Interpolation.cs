namespace Myopia.Data.Transforms;

/// <summary>
/// The resampling filters of Pillow, which torchvision's transforms use on PIL images (the form an
/// ImageFolder loader yields). Names are torchvision's <c>InterpolationMode</c> values.
/// </summary>
public enum Interpolation { Nearest, Bilinear, Bicubic, Box, Hamming, Lanczos }

public static class Interpolations
{
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<Interpolation>().Select(Name).ToList();

    public static string Name(Interpolation mode) => mode.ToString().ToLowerInvariant();

    public static Interpolation Parse(string text) =>
        Enum.GetValues<Interpolation>().FirstOrDefault(m => Name(m) == text.Trim().ToLowerInvariant(), (Interpolation)(-1)) is var m && (int)m >= 0
            ? m
            : throw new MyopiaException($"unknown interpolation '{text}'; use one of {string.Join(", ", Names)}");

    /// <summary>Half-width of the filter in input pixels at scale 1 (Pillow's <c>support</c>).</summary>
    internal static double Support(Interpolation mode) => mode switch
    {
        Interpolation.Box => 0.5,
        Interpolation.Bilinear or Interpolation.Hamming => 1.0,
        Interpolation.Bicubic => 2.0,
        Interpolation.Lanczos => 3.0,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), "nearest has no filter"),
    };

    /// <summary>Pillow's filter kernels (libImaging/Resample.c), in double precision as there.</summary>
    internal static double Filter(Interpolation mode, double x) => mode switch
    {
        Interpolation.Box => x > -0.5 && x <= 0.5 ? 1.0 : 0.0,
        Interpolation.Bilinear => Math.Abs(x) < 1.0 ? 1.0 - Math.Abs(x) : 0.0,
        Interpolation.Hamming => Hamming(x),
        Interpolation.Bicubic => Bicubic(x),
        Interpolation.Lanczos => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    private static double Hamming(double x)
    {
        if (x < 0.0) x = -x;
        if (x == 0.0) return 1.0;
        if (x >= 1.0) return 0.0;
        x *= Math.PI;
        return Math.Sin(x) / x * (0.54 + 0.46 * Math.Cos(x));
    }

    // Keys' cubic with a = -0.5, as Pillow (OpenCV and PyTorch's tensor path use -0.75).
    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }
}
