using static TorchSharp.torch;

namespace Myopia.Augmentation;

/// <summary>
/// Batched random T x T crops without padding: each image gets its own top-left corner, drawn
/// uniformly over every valid position [0, H-T] x [0, W-T] inclusive (torchvision's RandomCrop(T)).
/// One gather over the whole batch; no per-image loop.
/// </summary>
public static class TileCrop
{
    /// <summary>Draws top-left corners for <paramref name="count"/> images of size <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static (Tensor Top, Tensor Left) SampleCorners(int count, int height, int width, int tile, Generator generator)
    {
        Validate(height, width, tile);
        var top = randint(0, height - tile + 1, [count], dtype: ScalarType.Int64, generator: generator);
        var left = randint(0, width - tile + 1, [count], dtype: ScalarType.Int64, generator: generator);
        return (top, left);
    }

    /// <summary>
    /// Returns x[n, :, top[n] : top[n]+T, left[n] : left[n]+T] for every n, as one N x C x T x T tensor.
    /// Rows index height and columns index width, exactly as slicing does (a test pins this).
    /// </summary>
    public static Tensor Crop(Tensor images, Tensor top, Tensor left, int tile)
    {
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        Validate((int)h, (int)w, tile);
        using var scope = NewDisposeScope();
        var offsets = arange(tile, dtype: ScalarType.Int64, device: images.device);
        var rows = top.to(images.device).unsqueeze(1) + offsets;            // N x T
        var cols = left.to(images.device).unsqueeze(1) + offsets;           // N x T
        var flat = rows.unsqueeze(2) * w + cols.unsqueeze(1);               // N x T x T, index into H*W
        var index = flat.view(n, 1, tile * tile).expand(n, c, tile * tile);
        var crops = images.reshape(n, c, h * w).gather(2, index).view(n, c, tile, tile);
        return crops.MoveToOuterDisposeScope();
    }

    private static void Validate(int height, int width, int tile)
    {
        if (tile < 1)
            throw new MyopiaException($"tile size must be positive, got {tile}");
        if (tile > height || tile > width)
            throw new MyopiaException($"tile {tile}x{tile} is larger than the {height}x{width} images");
    }
}
