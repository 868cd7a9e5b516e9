using static TorchSharp.torch;

namespace Myopia.Data.Storage;

/// <summary>A split decoded into one uint8 N x C x H x W tensor: what fits in memory is fastest read from there.</summary>
public sealed class TensorImageStore : IImageStore
{
    public TensorImageStore(Tensor pixels)
    {
        if (pixels.dtype != ScalarType.Byte || pixels.dim() != 4)
            throw new ArgumentException($"images must be uint8 N x C x H x W, got {pixels.dtype} {string.Join("x", pixels.shape)}");
        Pixels = pixels;
    }

    /// <summary>uint8, N x C x H x W.</summary>
    public Tensor Pixels { get; }

    public int Count => (int)Pixels.shape[0];
    public int Channels => (int)Pixels.shape[1];
    public int Height => (int)Pixels.shape[2];
    public int Width => (int)Pixels.shape[3];
    public bool IsStreamed => false;
    public long ResidentBytes => Pixels.numel();

    public Tensor Read(long[] indices, long draw = 0)
    {
        // A contiguous run is a narrow: no gather, and no copy until someone writes.
        if (indices.Length > 0 && indices[^1] - indices[0] == indices.Length - 1 && IsRun(indices))
            return Pixels.narrow(0, indices[0], indices.Length);
        using var index = tensor(indices, ScalarType.Int64);
        return Pixels.index_select(0, index);
    }

    public void Prefetch(long[] indices, long draw = 0) { }

    public IImageStore Subset(long[] indices)
    {
        using var index = tensor(indices, ScalarType.Int64);
        return new TensorImageStore(Pixels.index_select(0, index));
    }

    private static bool IsRun(long[] indices)
    {
        for (int i = 1; i < indices.Length; i++)
            if (indices[i] != indices[i - 1] + 1) return false;
        return true;
    }

    public void Dispose() => Pixels.Dispose();
}
