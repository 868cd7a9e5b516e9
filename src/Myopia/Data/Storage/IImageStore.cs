using static TorchSharp.torch;

namespace Myopia.Data.Storage;

/// <summary>
/// Where a split's pixels live: decoded in memory, or encoded on disk and decoded batch by batch.
/// Either way a read gives uint8 N x C x H x W, so nothing downstream knows which.
/// </summary>
public interface IImageStore : IDisposable
{
    int Count { get; }
    int Channels { get; }
    int Height { get; }
    int Width { get; }

    /// <summary>True when images are decoded on demand rather than held in memory.</summary>
    bool IsStreamed { get; }

    /// <summary>Bytes of decoded pixels held in memory (the whole split in memory; zero when streamed).</summary>
    long ResidentBytes { get; }

    /// <summary>
    /// The images at <paramref name="indices"/>, as a new uint8 tensor. <paramref name="draw"/> picks
    /// the random transform of a training split (the same draw gives the same pixels); ignored otherwise.
    /// </summary>
    Tensor Read(long[] indices, long draw = 0);

    /// <summary>A hint that <see cref="Read"/> of these indices comes next, so decoding can start now.</summary>
    void Prefetch(long[] indices, long draw = 0);

    /// <summary>A store of the images at <paramref name="indices"/>, sharing what it can with this one.</summary>
    IImageStore Subset(long[] indices);
}
