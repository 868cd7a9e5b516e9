using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>
/// One split of an image classification dataset held in memory as uint8 N x C x H x W pixels
/// and int64 labels. Everything downstream (augmentation, training, analyses) reads this shape.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    public ImageDataset(string name, Tensor images, Tensor labels, IReadOnlyList<string> classNames, long[]? sourceIndex = null)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
            throw new ArgumentException($"images must be uint8 N x C x H x W, got {images.dtype} {string.Join("x", images.shape)}");
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException("labels must be a vector with one label per image");
        Name = name;
        Images = images;
        Labels = labels.to_type(ScalarType.Int64);
        ClassNames = classNames;
        if (sourceIndex is not null && sourceIndex.Length != images.shape[0])
            throw new ArgumentException("one source index per image");
        SourceIndex = sourceIndex;
    }

    /// <summary>
    /// For a subset, each image's index in the split it was taken from (so per-image results name the
    /// image a user can find again); null when the images are the whole split in order.
    /// </summary>
    public long[]? SourceIndex { get; }

    /// <summary>The index in the original split of image <paramref name="i"/>.</summary>
    public long IndexInSplit(long i) => SourceIndex?[i] ?? i;

    public string Name { get; }
    /// <summary>uint8, N x C x H x W.</summary>
    public Tensor Images { get; }
    /// <summary>int64, N.</summary>
    public Tensor Labels { get; }
    public IReadOnlyList<string> ClassNames { get; }

    public int Count => (int)Images.shape[0];
    public int Channels => (int)Images.shape[1];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];
    public int ClassCount => ClassNames.Count;

    /// <summary>
    /// A deterministic subset of <paramref name="n"/> images: a fixed pseudo-random choice (seed 0),
    /// kept in the split's order. Random rather than strided, so that it keeps the class balance
    /// whatever the split's order (by class, or cycling through the classes).
    /// </summary>
    public ImageDataset Take(int n)
    {
        n = Math.Clamp(n, 1, Count);
        using var generator = new Generator(0);
        using var permutation = randperm(Count, generator: generator);
        using var chosen = permutation.narrow(0, 0, n);
        var (sorted, _) = chosen.sort();
        using var index = sorted;
        var inSplit = index.data<long>().Select(i => IndexInSplit(i)).ToArray();
        return new ImageDataset(Name, Images.index_select(0, index), Labels.index_select(0, index), ClassNames, inSplit);
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>The train and test splits of one dataset, plus the normalization it is trained with.</summary>
public sealed record DatasetSplits(ImageDataset Train, ImageDataset Test, Normalization Normalization) : IDisposable
{
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}

/// <summary>Per-channel mean and standard deviation of pixels in [0, 1].</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());
}
