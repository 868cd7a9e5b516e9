namespace Myopia.Data;

/// <summary>
/// One split decoded into managed memory: uint8 pixels laid out N x C x H x W (planar, row-major)
/// and one label per image. Readers produce this; the cache stores it; tensors are made from it.
/// </summary>
public sealed record DecodedImages(byte[] Pixels, int[] Labels, int Channels, int Height, int Width)
{
    public int Count => Labels.Length;
    public int ImageBytes => Channels * Height * Width;

    /// <summary>Checks that the buffer holds exactly <see cref="Count"/> images and labels fit the class count.</summary>
    public DecodedImages Validate(string what, int classCount)
    {
        if ((long)Count * ImageBytes != Pixels.LongLength)
            throw new MyopiaException($"{what}: {Pixels.LongLength:N0} pixel bytes for {Count:N0} images of {Channels}x{Height}x{Width}");
        for (var i = 0; i < Labels.Length; i++)
            if ((uint)Labels[i] >= (uint)classCount)
                throw new MyopiaException($"{what}: label {Labels[i]} of image {i} is outside 0..{classCount - 1}");
        return this;
    }
}

/// <summary>The train and test splits of a dataset as a reader decoded them, before becoming tensors.</summary>
public sealed record DecodedDataset(string Format, DecodedImages Train, DecodedImages Test, IReadOnlyList<string> ClassNames)
{
    /// <summary>What each class identifier stands for (words.txt of WNID datasets); null when the dataset does not say.</summary>
    public IReadOnlyList<string>? ClassWords { get; init; }

    /// <summary>Files left out because they could not be decoded (on-bad-image=skip), as "path: reason".</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>The resize and crop the images went through, as dataset options; null when none.</summary>
    public string? Pipeline { get; init; }
}
