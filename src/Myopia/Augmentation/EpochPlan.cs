using static TorchSharp.torch;

namespace Myopia.Augmentation;

/// <summary>
/// All the randomness of one training epoch, drawn up front from a generator seeded by (seed, epoch):
/// the shuffle, each image's crop corner and flip. Because it depends on nothing else, a run resumed
/// mid-epoch replays exactly the batches an uninterrupted run would have seen.
/// </summary>
public sealed class EpochPlan : IDisposable
{
    private EpochPlan(long draw, Tensor order, Tensor? top, Tensor? left, Tensor? flip)
    {
        Draw = draw;
        Order = order;
        Top = top;
        Left = left;
        Flip = flip;
    }

    /// <summary>What fixes this epoch's per-image random crops of a photo dataset (a function of seed and epoch only).</summary>
    public long Draw { get; }

    /// <summary>Permutation of the training set.</summary>
    public Tensor Order { get; }
    /// <summary>Crop corners (after padding), indexed by position in <see cref="Order"/>; null without cropping.</summary>
    public Tensor? Top { get; }
    public Tensor? Left { get; }
    /// <summary>Flip mask by position in <see cref="Order"/>; null without flips.</summary>
    public Tensor? Flip { get; }

    public static EpochPlan Create(int count, int height, int width, AugmentationOptions options, int seed, int epoch)
    {
        ulong draw = (ulong)seed * 1_000_003UL + (ulong)epoch;
        using var generator = new Generator(draw);
        var order = randperm(count, generator: generator);
        Tensor? top = null, left = null, flip = null;
        int paddedHeight = height + 2 * options.Pad, paddedWidth = width + 2 * options.Pad;
        int crop = options.Tile ?? (options.Pad > 0 ? height : 0);
        if (options.Tile is { } t && options.Pad > 0)
            throw new MyopiaException("use either --tile (crops without padding) or --pad (pad-and-crop to the image size), not both");
        if (crop > 0)
            (top, left) = TileCrop.SampleCorners(count, paddedHeight, paddedWidth, crop, generator);
        if (options.Flip)
            flip = HorizontalFlip.SampleMask(count, 0.5, generator);
        return new EpochPlan((long)draw, order, top, left, flip);
    }

    public void Dispose()
    {
        Order.Dispose();
        Top?.Dispose();
        Left?.Dispose();
        Flip?.Dispose();
    }
}
