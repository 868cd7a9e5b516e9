using Myopia.Data.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>
/// One split of an image classification dataset: int64 labels in memory and uint8 N x C x H x W
/// pixels behind an <see cref="IImageStore"/>, either decoded in memory or read from the files batch
/// by batch. Everything downstream (augmentation, training, analyses) reads pixels through
/// <see cref="Read(long, long)"/> and <see cref="Gather"/>, so a dataset larger than memory works everywhere.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    public ImageDataset(string name, Tensor images, Tensor labels, IReadOnlyList<string> classNames, long[]? sourceIndex = null)
        : this(name, new TensorImageStore(images), labels, classNames, sourceIndex)
    {
    }

    public ImageDataset(string name, IImageStore store, Tensor labels, IReadOnlyList<string> classNames, long[]? sourceIndex = null,
        IReadOnlyList<string>? classWords = null)
    {
        if (labels.dim() != 1 || labels.shape[0] != store.Count)
            throw new ArgumentException("labels must be a vector with one label per image");
        if (sourceIndex is not null && sourceIndex.Length != store.Count)
            throw new ArgumentException("one source index per image");
        if (classWords is not null && classWords.Count != classNames.Count)
            throw new ArgumentException("one description per class");
        Name = name;
        Store = store;
        Labels = labels.to_type(ScalarType.Int64);
        ClassNames = classNames;
        ClassWords = classWords;
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

    /// <summary>Where the pixels live.</summary>
    public IImageStore Store { get; }

    /// <summary>True when pixels are decoded from the files batch by batch instead of held in memory.</summary>
    public bool IsStreamed => Store.IsStreamed;

    /// <summary>
    /// Every image as one uint8 N x C x H x W tensor, for a split held in memory. A streamed split has no
    /// such tensor: read it with <see cref="Read(long, long)"/> or <see cref="Gather"/>.
    /// </summary>
    public Tensor Images => Store is TensorImageStore memory
        ? memory.Pixels
        : throw new MyopiaException($"{Name} is streamed from its files ({Count:N0} images); this step needs it in memory: use a subset (--test-limit / --train-limit) or stream=no");

    /// <summary>int64, N.</summary>
    public Tensor Labels { get; }

    /// <summary>The classes' identifiers (folder names, WNIDs), in label order; what checkpoints record.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>What the identifiers mean, when the dataset says (ImageNet WNIDs' words.txt); null otherwise.</summary>
    public IReadOnlyList<string>? ClassWords { get; }

    /// <summary>The label a reader should see: "n01443537 (goldfish)" where words are known, else the class name.</summary>
    public string DisplayName(int label) =>
        ClassWords is { } words && words[label] != ClassNames[label] ? $"{ClassNames[label]} ({words[label]})" : ClassNames[label];

    public int Count => Store.Count;
    public int Channels => Store.Channels;
    public int Height => Store.Height;
    public int Width => Store.Width;
    public int ClassCount => ClassNames.Count;

    /// <summary>Images [start, start + count) as uint8 count x C x H x W (a view for data in memory: do not write to it).</summary>
    public Tensor Read(long start, long count)
    {
        var indices = new long[count];
        for (long i = 0; i < count; i++) indices[i] = start + i;
        return Store.Read(indices);
    }

    /// <summary>The images at <paramref name="index"/> (int64), as uint8; <paramref name="draw"/> fixes a training split's random crops.</summary>
    public Tensor Gather(Tensor index, long draw = 0) => Store.Read(index.data<long>().ToArray(), draw);

    /// <summary>Starts decoding images [start, start + count) of a streamed split in the background.</summary>
    public void Prefetch(long start, long count)
    {
        if (!IsStreamed || count <= 0) return;
        var indices = new long[count];
        for (long i = 0; i < count; i++) indices[i] = start + i;
        Store.Prefetch(indices);
    }

    /// <summary>Starts decoding the images at <paramref name="index"/> of a streamed split in the background.</summary>
    public void Prefetch(Tensor index, long draw = 0)
    {
        if (IsStreamed) Store.Prefetch(index.data<long>().ToArray(), draw);
    }

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
        var positions = index.data<long>().ToArray();
        return Select(positions);
    }

    /// <summary>The images at <paramref name="positions"/>, as a dataset that remembers where they came from.</summary>
    public ImageDataset Select(long[] positions)
    {
        var inSplit = positions.Select(IndexInSplit).ToArray();
        using var index = tensor(positions, ScalarType.Int64);
        return new ImageDataset(Name, Store.Subset(positions), Labels.index_select(0, index), ClassNames, inSplit, ClassWords);
    }

    public void Dispose()
    {
        Store.Dispose();
        Labels.Dispose();
    }
}

/// <summary>The train and test splits of one dataset, plus the normalization it is trained with.</summary>
public sealed record DatasetSplits(ImageDataset Train, ImageDataset Test, Normalization Normalization) : IDisposable
{
    /// <summary>Files that could not be decoded and were left out (dataset option on-bad-image=skip), as "split/path: reason".</summary>
    public IReadOnlyList<string> SkippedImages { get; init; } = [];

    /// <summary>How the photos were resized and cropped, as dataset options ("resize=256,crop=224,..."); null for fixed-size data used as is.</summary>
    public string? Pipeline { get; init; }

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
