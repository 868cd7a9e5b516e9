namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// Settings a user may change in a protocol preset; null takes the preset's default for the image side.
/// </summary>
/// <param name="Scale">Azulay's s: crop area fraction (s ≤ 1) or embedding ratio (d = ⌊side / s⌋).</param>
/// <param name="EmbedSide">The embedded image's side d (overrides <paramref name="Scale"/> for embeddings).</param>
/// <param name="MaxShift">Diagonal walk length K, or the offset range's upper end.</param>
/// <param name="Background">Background of the size sweep's embeddings.</param>
/// <param name="Boundary">Boundary of the diagonal walk.</param>
/// <param name="Pairs">Random offset pairs per image (consistency).</param>
/// <param name="Step">Step of the diagonal walk; below 1, sub-pixel (bilinear) shifts.</param>
public sealed record ShiftSettings(double? Scale = null, int? EmbedSide = null, int? MaxShift = null, Background Background = Background.Black,
    ShiftBoundary? Boundary = null, int Pairs = 1, long Seed = 0, bool WorstCase = true, double Step = 1);

/// <summary>A named protocol: its conditions for images of one side, and what it reproduces.</summary>
public sealed record ShiftProtocol(string Name, string Description, IReadOnlyList<ShiftCondition> Conditions);

/// <summary>
/// The protocol presets, adapted to the image side W (the data's; the figures in brackets are for W = 224
/// and W = 32):
/// <list type="bullet">
/// <item><c>azulay-crop</c>: crop with s (default 1.0) to W + 10, nine diagonal windows, eight 1-px pairs.</item>
/// <item><c>azulay-black</c>, <c>azulay-mean</c>, <c>azulay-inpaint</c>: embed at d = ⌊W / s⌋ (s = 1.3: 172, 24) on the background, eight pairs.</item>
/// <item><c>azulay-rescale</c>: tiny rescalings, the image at d − 4 .. d + 4 pixels, centred (<see cref="RescaleSequence"/>).</item>
/// <item><c>size-sweep</c>: s in {0.1, 0.4, 0.7, 1.0, 1.3, 1.6, 1.9}, crop for s ≤ 1.1, embedding above (d = 172, 140, 117; 24, 20, 16).</item>
/// <item><c>diagonal</c>: Zhang's stability curve, offsets (t, t), t = 0..K (K = ⌊W / 7⌋: 32, 4; crop boundary unless set).</item>
/// <item><c>zhang</c>: consistency of two random crops, offsets on [0, ⌊W / 7⌋ − 1]² (0..31, 0..3), plus the worst case over every offset.</item>
/// <item><c>zhang-circular</c>: consistency of two random circular shifts on [0, ⌊W / 4⌋ − 1]² ([0, 8) on CIFAR: spec target 6), plus the worst case.</item>
/// <item><c>cifar-circular</c>: the later literature's CIFAR protocol, circular shifts on [−⌊3W/32⌋, ⌊3W/32⌋]² (±3), consistency and worst case.</item>
/// </list>
/// </summary>
public static class ShiftProtocols
{
    public static readonly string[] Names = ["azulay-crop", "azulay-black", "azulay-mean", "azulay-inpaint", "azulay-rescale", "size-sweep", "diagonal", "zhang", "zhang-circular", "cifar-circular"];

    public static readonly double[] SweepScales = [0.1, 0.4, 0.7, 1.0, 1.3, 1.6, 1.9];

    /// <param name="side">Image side (the smaller of height and width).</param>
    /// <param name="meanPixel">The mean colour (0..255 per channel) for the mean background.</param>
    public static ShiftProtocol Create(string name, int side, float[] meanPixel, ShiftSettings? settings = null)
    {
        settings ??= new ShiftSettings();
        if (side < 4) throw new MyopiaException($"shift protocols need images of side at least 4, got {side}");
        long seed = settings.Seed;
        switch (name.ToLowerInvariant())
        {
            case "azulay-crop":
            {
                double s = settings.Scale ?? 1.0;
                if (s is <= 0 or > 1) throw new MyopiaException($"azulay-crop takes a crop scale in (0, 1], got {s}");
                return new(name, "Azulay & Weiss crop protocol: eight 1-px diagonal pairs of windows of a RandomResizedCrop", [new CropSequence(s, seed)]);
            }
            case "azulay-black" or "azulay-mean" or "azulay-inpaint":
            {
                var background = Backgrounds.Parse(name["azulay-".Length..]);
                var (d, s) = EmbedSide(side, settings);
                return new(name, $"Azulay & Weiss embedding protocol ({Backgrounds.Name(background)} background): eight 1-px diagonal pairs of the image embedded at d = {d}",
                    [new EmbedSequence(d, side, background, meanPixel, s)]);
            }
            case "azulay-rescale":
            {
                var (d, _) = EmbedSide(side, settings);
                return new(name, $"tiny rescalings: the image resized to d = {d} +- 4 pixels, centred, {Backgrounds.Name(settings.Background)} background; consecutive sizes are the pairs",
                    [new RescaleSequence(d, side, settings.Background, meanPixel)]);
            }
            case "size-sweep":
            {
                var conditions = SweepScales.Select(s => s <= 1.1
                    ? (ShiftCondition)new CropSequence(s, seed)
                    : new EmbedSequence(Embedding.Side(side, s), side, settings.Background, meanPixel, s)).ToList();
                return new(name, "Azulay & Weiss size sweep: crops for s <= 1.1, embeddings above, eight 1-px diagonal pairs each", conditions);
            }
            case "diagonal":
            {
                int k = settings.MaxShift ?? Math.Max(1, side / 7);
                if (k < 1) throw new MyopiaException($"--max-shift must be at least 1, got {k}");
                return new(name, "Zhang's diagonal stability: p_true and correctness at offsets (t, t)", [new DiagonalSequence(k, settings.Boundary ?? (settings.Step == 1 ? ShiftBoundary.Crop : ShiftBoundary.Zero), settings.Step)]);
            }
            case "zhang":
                return Offsets(name, "Zhang's consistency: two random crops per image", 0, (settings.MaxShift ?? Math.Max(2, side / 7)) - 1, ShiftBoundary.Crop, settings);
            case "zhang-circular":
                return Offsets(name, "Zhang's consistency with circular shifts (spec target 6)", 0, (settings.MaxShift ?? Math.Max(2, side / 4)) - 1, ShiftBoundary.Circular, settings);
            case "cifar-circular":
            {
                int r = settings.MaxShift ?? Math.Max(1, 3 * side / 32);
                return Offsets(name, "the CIFAR circular-shift protocol of the later literature", -r, r, ShiftBoundary.Circular, settings);
            }
            default:
                throw new MyopiaException($"unknown shift protocol '{name}'; known: {string.Join(", ", Names)}");
        }
    }

    private static (int Side, double Scale) EmbedSide(int canvas, ShiftSettings settings)
    {
        if (settings.EmbedSide is { } d)
        {
            if (d < 1 || d > canvas) throw new MyopiaException($"--embed must be in 1..{canvas}, got {d}");
            return (d, (double)canvas / d);
        }
        double s = settings.Scale ?? 1.3;
        if (s < 1) throw new MyopiaException($"embedding protocols take a scale >= 1 (d = side / s), got {s}");
        return (Embedding.Side(canvas, s), s);
    }

    private static ShiftProtocol Offsets(string name, string description, int low, int high, ShiftBoundary boundary, ShiftSettings settings)
    {
        if (high < low) throw new MyopiaException($"the offset range [{low}, {high}] is empty");
        var conditions = new List<ShiftCondition> { new OffsetCondition(ConditionKind.Pairs, low, high, boundary, settings.Seed, settings.Pairs) };
        if (settings.WorstCase) conditions.Add(new OffsetCondition(ConditionKind.Grid, low, high, boundary, settings.Seed));
        return new(name, description, conditions);
    }
}
