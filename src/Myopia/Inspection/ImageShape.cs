namespace Myopia.Inspection;

/// <summary>Channels x height x width of one input image, written <c>3x32x32</c> on the command line.</summary>
public sealed record ImageShape(int Channels, int Height, int Width)
{
    public static ImageShape Square(int channels, int side) => new(channels, side, side);

    /// <summary>Parses <c>CxHxW</c> (three whole numbers above 0); anything else is a one-line error.</summary>
    public static ImageShape Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        var values = parts.Select(p => int.TryParse(p, out var v) && v > 0 ? v : (int?)null).ToList();
        if (values.Count != 3 || values.Any(v => v is null))
            throw new MyopiaException($"input shape must be CHANNELSxHEIGHTxWIDTH with whole numbers above 0, e.g. 3x32x32; got '{text}'");
        return new(values[0]!.Value, values[1]!.Value, values[2]!.Value);
    }

    /// <summary>The shape as the (channels, height, width) tuple classifier options take.</summary>
    public (int Channels, int Height, int Width) Tuple => (Channels, Height, Width);

    /// <summary>The shape of a batch of <paramref name="batch"/> such images.</summary>
    public long[] Batch(long batch = 1) => [batch, Channels, Height, Width];

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
