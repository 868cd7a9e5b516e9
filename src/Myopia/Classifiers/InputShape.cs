using System.Globalization;

namespace Myopia.Classifiers;

/// <summary>The <c>CxHxW</c> notation of <c>--input</c>, e.g. 3x32x32.</summary>
public static class InputShape
{
    public static (int Channels, int Height, int Width) Parse(string text, string option = "--input")
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new MyopiaException($"{option} {text}: expected CxHxW, e.g. 3x32x32");
        var v = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        if (v.Any(x => x < 1)) throw new MyopiaException($"{option} {text}: every size must be at least 1");
        if ((long)v[0] * v[1] * v[2] > 64L << 20) throw new MyopiaException($"{option} {text}: larger than 64 M values per image");
        return (v[0], v[1], v[2]);
    }

    public static string Format((int Channels, int Height, int Width) shape) => $"{shape.Channels}x{shape.Height}x{shape.Width}";
}
