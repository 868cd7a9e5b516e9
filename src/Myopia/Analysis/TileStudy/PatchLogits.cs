using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <summary>
/// Logits of every T x T patch of a batch of images, in large batches: patches are cut with
/// unfold (views, no copies until the batch is formed) and patch (i, j) is x[:, :, i*s : i*s+T,
/// j*s : j*s+T] (rows first, never transposed). Optional padding gives one patch per pixel.
/// </summary>
public static class PatchLogits
{
    /// <summary>N x C x H x W normalized images to N x Ph x Pw x K logits.</summary>
    public static Tensor Compute(nn.Module<Tensor, Tensor> model, Tensor images, int tile, int stride = 1, int patchBatch = 1024,
        (int Top, int Bottom, int Left, int Right)? padding = null)
    {
        if (stride < 1) throw new MyopiaException($"stride must be >= 1, got {stride}");
        using var scope = NewDisposeScope();
        var x = images;
        if (padding is { } p)
            x = nn.functional.pad(images, [p.Left, p.Right, p.Top, p.Bottom]); // zeros after normalization: the mean colour
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (tile > h || tile > w)
            throw new MyopiaException($"tile {tile}x{tile} is larger than the {h}x{w} images");
        var patches = x.unfold(2, tile, stride).unfold(3, tile, stride);        // N x C x Ph x Pw x T x T
        long ph = patches.shape[2], pw = patches.shape[3];
        var flat = patches.permute(0, 2, 3, 1, 4, 5).reshape(n * ph * pw, c, tile, tile);
        var outputs = new List<Tensor>();
        for (long start = 0; start < flat.shape[0]; start += patchBatch)
        {
            long count = Math.Min(patchBatch, flat.shape[0] - start);
            outputs.Add(model.call(flat.narrow(0, start, count)));
        }
        var logits = cat(outputs, 0);
        return logits.view(n, ph, pw, -1).MoveToOuterDisposeScope();
    }

    /// <summary>The padding that gives one T x T tile centred per pixel (the study's convention).</summary>
    public static (int Top, int Bottom, int Left, int Right) PerPixelPadding(int tile) =>
        tile % 2 == 0
            ? (tile / 2, tile / 2 - 1, tile / 2, tile / 2 - 1)
            : ((tile - 1) / 2, (tile - 1) / 2, (tile - 1) / 2, (tile - 1) / 2);
}
