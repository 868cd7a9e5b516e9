using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>How the views of one condition are compared.</summary>
public enum ConditionKind
{
    /// <summary>Views t = 0..T−1 of a 1-px (diagonal) walk; consecutive views form the pairs (Azulay), and each view is a point of the stability curve (Zhang).</summary>
    Sequence,

    /// <summary>Views (a₀, b₀, a₁, b₁, ...): pairs of random offsets (Zhang's consistency).</summary>
    Pairs,

    /// <summary>Every offset of a range: does the prediction change for at least one (the worst case)?</summary>
    Grid,
}

/// <summary>
/// One measured condition of a shift protocol: how to turn each source image into its views, with
/// every parameter recorded. Views are float pixels in [0, 255], shaped N x T x C x H x W.
/// </summary>
public abstract record ShiftCondition(string Label, ConditionKind Kind)
{
    /// <summary>Views per image.</summary>
    public abstract int Views { get; }

    /// <summary>The x value of each view on a stability curve (offset t), or its index.</summary>
    public virtual double[] Offsets => Enumerable.Range(0, Views).Select(i => (double)i).ToArray();

    /// <summary>Azulay's scale s (area fraction for crops, side ratio for embeddings); 1 when the image keeps its size.</summary>
    public virtual double Scale => 1;

    public virtual int? EmbedSide => null;

    public virtual string Boundary => "crop";

    public virtual string Background => "";

    /// <summary>Every parameter as one line, for notes and JSON.</summary>
    public abstract string Parameters { get; }

    /// <summary>The views of images <paramref name="firstIndex"/>.. of the dataset (uint8 N x C x H x W pixels).</summary>
    public abstract Tensor Build(Tensor pixels, long firstIndex);

    /// <summary>Nine consecutive diagonal positions starting near ⌊(room − 1)/2⌋ − 4 (Azulay's c₀ − 4), inside [0, room].</summary>
    internal static (int Start, int Count) Diagonal(int room, int wanted = 9)
    {
        int count = Math.Min(wanted, room + 1);
        int c0 = (int)Math.Floor((room - 1) / 2.0);
        int start = Math.Clamp(c0 - 4, 0, room - (count - 1));
        return (start, count);
    }
}

/// <summary>
/// Azulay's crop protocol adapted to side H x W: RandomResizedCrop(scale = (s, s)) to (H + m) x (W + m)
/// (m = 10: 234 for 224), then the H x W windows at (c, c) for nine consecutive c (c₀ − 4 .. c₀ + 4,
/// c₀ = ⌊(m − 1)/2⌋), consecutive windows being 1-px diagonal shifts of the same source.
/// </summary>
public sealed record CropSequence(double CropScale, long Seed, int Margin = 10, int Positions = 9)
    : ShiftCondition($"crop s={CropScale:0.0##}", ConditionKind.Sequence)
{
    public override int Views => ShiftCondition.Diagonal(Margin, Positions).Count;
    public override double Scale => CropScale;
    public override double[] Offsets { get { var (s, n) = ShiftCondition.Diagonal(Margin, Positions); return Enumerable.Range(s, n).Select(c => (double)c).ToArray(); } }
    public override string Parameters => $"RandomResizedCrop(H+{Margin}, scale=({CropScale}, {CropScale}), ratio=(3/4, 4/3), seed {Seed}); windows at (c, c), c = {Offsets[0]}..{Offsets[^1]}";

    public override Tensor Build(Tensor pixels, long firstIndex)
    {
        int h = (int)pixels.shape[2], w = (int)pixels.shape[3];
        var (start, count) = ShiftCondition.Diagonal(Margin, Positions);
        var images = new List<Tensor>();
        using var scope = NewDisposeScope();
        for (long i = 0; i < pixels.shape[0]; i++)
        {
            var box = ScaleCrop.Box(h, w, CropScale, ScaleCrop.Generator(Seed, firstIndex + i));
            var crop = pixels.narrow(0, i, 1).narrow(2, box.Top, box.Height).narrow(3, box.Left, box.Width);
            var source = Embedding.Resize(crop, h + Margin, w + Margin);
            images.Add(stack(Enumerable.Range(start, count).Select(c => IntegerShift.Window(source, c, c, h, w)[0]).ToArray()));
        }
        return stack(images.ToArray()).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Azulay's embedding protocol adapted to an H x W canvas: the whole image resized to d x d and pasted at
/// (c, c) for nine consecutive c (c₀ = ⌊(W − d − 1)/2⌋, c₀ − 4 .. c₀ + 4, moved inside the canvas when it
/// does not fit: 0..8 for d = 24 on 32), on a black, mean-colour or inpainted background.
/// </summary>
public sealed record EmbedSequence(int Side, int Canvas, Background Fill, float[] MeanPixel, double EmbedScale, int Positions = 9)
    : ShiftCondition($"{Backgrounds.Name(Fill)} d={Side}", ConditionKind.Sequence)
{
    public override double Scale => EmbedScale;
    public override int? EmbedSide => Side;
    public override string Background => Backgrounds.Name(Fill);

    /// <summary>Free pixels along the diagonal: the canvas side minus d.</summary>
    public int Room => Canvas - Side;

    public override int Views => ShiftCondition.Diagonal(Room, Positions).Count;
    public override double[] Offsets { get { var (s, n) = ShiftCondition.Diagonal(Room, Positions); return Enumerable.Range(s, n).Select(c => (double)c).ToArray(); } }
    public override string Parameters => $"resize to {Side}x{Side} (s = {EmbedScale:0.###}), paste at (c, c), c = {Offsets[0]}..{Offsets[^1]}, background {Background}";

    public override Tensor Build(Tensor pixels, long firstIndex)
    {
        int h = (int)pixels.shape[2], w = (int)pixels.shape[3];
        if (Math.Min(h, w) != Canvas) throw new MyopiaException($"the embedding was set up for a {Canvas}-pixel canvas, not {h}x{w} images");
        var (start, count) = ShiftCondition.Diagonal(Room, Positions);
        using var scope = NewDisposeScope();
        var small = Embedding.Resize(pixels, Side, Side);
        var views = Enumerable.Range(start, count).Select(c => Embedding.Paste(small, h, w, c, c, Fill, MeanPixel)).ToArray();
        return stack(views, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Zhang's diagonal stability: views at offset (t, t), t = 0..K. Crop: the image resized to (H + K) x (W + K)
/// (Zhang: 256 for 224 and K = 32) and the H x W window at (t, t); circular or zero: the image shifted by (t, t).
/// A <paramref name="Step"/> below 1 (circular or zero) walks in sub-pixel steps t = 0, Step, 2·Step, ..., K,
/// by bilinear interpolation (<see cref="SubpixelShift"/>).
/// </summary>
public sealed record DiagonalSequence(int MaxShift, ShiftBoundary Edge, double Step = 1)
    : ShiftCondition($"diagonal 0..{MaxShift}{(Step == 1 ? "" : $" step {Step:0.###}")} {ShiftBoundaries.Name(Edge)}", ConditionKind.Sequence)
{
    private int Steps => (int)Math.Round(MaxShift / Step);
    public override int Views => Steps + 1;
    public override double[] Offsets => Enumerable.Range(0, Steps + 1).Select(k => k * Step).ToArray();
    public override string Boundary => ShiftBoundaries.Name(Edge);
    public override string Parameters => Edge == ShiftBoundary.Crop
        ? $"resize to (H+{MaxShift}) x (W+{MaxShift}), H x W windows at (t, t), t = 0..{MaxShift}"
        : Step == 1 ? $"shift by (t, t), t = 0..{MaxShift}, {Boundary} boundary"
        : $"bilinear shift by (t, t), t = 0, {Step:0.###}, ..., {MaxShift}, {Boundary} boundary";

    public override Tensor Build(Tensor pixels, long firstIndex)
    {
        int h = (int)pixels.shape[2], w = (int)pixels.shape[3];
        using var scope = NewDisposeScope();
        if (Step <= 0 || Step > 1 || Math.Abs(Steps * Step - MaxShift) > 1e-9)
            throw new MyopiaException($"the diagonal step must be in (0, 1] and divide {MaxShift}, got {Step}");
        if (Edge == ShiftBoundary.Crop && Step != 1) throw new MyopiaException("sub-pixel steps take the circular or zero boundary");
        var source = Edge == ShiftBoundary.Crop ? Embedding.Resize(pixels, h + MaxShift, w + MaxShift) : pixels.to_type(ScalarType.Float32);
        if (Step != 1)
            return stack(Offsets.Select(t => SubpixelShift.Apply(source, t, t, Edge)).ToArray(), 1).MoveToOuterDisposeScope();
        var views = Enumerable.Range(0, MaxShift + 1).Select(t => Edge == ShiftBoundary.Crop
            ? IntegerShift.Window(source, t, t, h, w)
            : IntegerShift.Apply(source, t, t, Edge)).ToArray();
        return stack(views, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Offsets in [<paramref name="Low"/>, <paramref name="High"/>]² (both ends included). Pairs: each image draws
/// <paramref name="PairsPerImage"/> pairs of independent uniform offsets from its own seeded generator
/// (Zhang draws once per batch; per image gives the same expectation and batch-independent results).
/// Grid: every offset of the range. Crop: the image resized to (H + High − Low + 1) x (W + ...) (Zhang: 256
/// for 224 with offsets 0..31) and the H x W window at the offset; circular or zero: the image shifted by it.
/// </summary>
public sealed record OffsetCondition(ConditionKind Mode, int Low, int High, ShiftBoundary Edge, long Seed, int PairsPerImage = 1)
    : ShiftCondition($"{(Mode == ConditionKind.Grid ? "every offset" : "random pairs")} [{Low},{High}]^2 {ShiftBoundaries.Name(Edge)}", Mode)
{
    public int Span => High - Low + 1;
    public override int Views => Mode == ConditionKind.Grid ? Span * Span : 2 * PairsPerImage;
    public override string Boundary => ShiftBoundaries.Name(Edge);
    public override string Parameters => (Mode == ConditionKind.Grid ? $"every offset (dy, dx) in [{Low}, {High}]^2 (both ends included)"
        : $"{PairsPerImage} pair(s) per image of offsets uniform on [{Low}, {High}]^2 (both ends included), seed {Seed}")
        + (Edge == ShiftBoundary.Crop ? $"; H x W windows of the image resized to (H+{Span}) x (W+{Span})" : $"; {Boundary} shifts");

    /// <summary>The offsets of image <paramref name="index"/>, in view order.</summary>
    public (int Dy, int Dx)[] OffsetsOf(long index)
    {
        if (Mode == ConditionKind.Grid)
            return Enumerable.Range(0, Span * Span).Select(k => (Low + k / Span, Low + k % Span)).ToArray();
        var random = ScaleCrop.Generator(Seed, index);
        return Enumerable.Range(0, 2 * PairsPerImage).Select(_ => (random.Next(Low, High + 1), random.Next(Low, High + 1))).ToArray();
    }

    public override Tensor Build(Tensor pixels, long firstIndex)
    {
        if (Edge == ShiftBoundary.Crop && Low < 0) throw new MyopiaException($"crop offsets must be >= 0, got {Low}");
        int h = (int)pixels.shape[2], w = (int)pixels.shape[3];
        using var scope = NewDisposeScope();
        var source = Edge == ShiftBoundary.Crop ? Embedding.Resize(pixels, h + Span, w + Span) : pixels.to_type(ScalarType.Float32);
        var images = new List<Tensor>();
        for (long i = 0; i < pixels.shape[0]; i++)
        {
            var one = source.narrow(0, i, 1);
            var views = OffsetsOf(firstIndex + i).Select(o => Edge == ShiftBoundary.Crop
                ? IntegerShift.Window(one, o.Dy - Low, o.Dx - Low, h, w)[0]
                : IntegerShift.Apply(one, o.Dy, o.Dx, Edge)[0]).ToArray();
            images.Add(stack(views));
        }
        return stack(images.ToArray()).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Tiny rescalings (Azulay's "Lotion"): the whole image resized to d − 4 .. d + 4 (one pixel per step, as
/// far as the canvas allows) and centred on the canvas at ⌊(W − d_i)/2⌋, on a black, mean-colour or
/// inpainted background; consecutive sizes form the pairs.
/// </summary>
public sealed record RescaleSequence(int Side, int Canvas, Background Fill, float[] MeanPixel, int Steps = 9)
    : ShiftCondition($"rescale {Backgrounds.Name(Fill)} d={Side}", ConditionKind.Sequence)
{
    public int[] Sides
    {
        get
        {
            int first = Math.Max(1, Side - Steps / 2);
            return Enumerable.Range(first, Steps).Where(d => d <= Canvas).ToArray();
        }
    }

    public override int Views => Sides.Length;
    public override double[] Offsets => Sides.Select(d => (double)d).ToArray();
    public override double Scale => (double)Canvas / Side;
    public override int? EmbedSide => Side;
    public override string Background => Backgrounds.Name(Fill);
    public override string Parameters => $"resize to d x d, d = {Sides[0]}..{Sides[^1]}, centred at floor((W - d)/2), background {Background}";

    public override Tensor Build(Tensor pixels, long firstIndex)
    {
        int h = (int)pixels.shape[2], w = (int)pixels.shape[3];
        if (Math.Min(h, w) != Canvas) throw new MyopiaException($"the rescaling was set up for a {Canvas}-pixel canvas, not {h}x{w} images");
        using var scope = NewDisposeScope();
        var views = Sides.Select(d =>
        {
            var small = Embedding.Resize(pixels, d, d);
            return Embedding.Paste(small, h, w, (h - d) / 2, (w - d) / 2, Fill, MeanPixel);
        }).ToArray();
        return stack(views, 1).MoveToOuterDisposeScope();
    }
}
