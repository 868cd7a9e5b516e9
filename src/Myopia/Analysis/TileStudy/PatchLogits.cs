using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <summary>
/// Logits of every T x T patch of a batch of images, in large batches: patches are cut with
/// unfold (views, no copies until the batch is formed) and patch (i, j) is x[:, :, i*s : i*s+T,
/// j*s : j*s+T] (rows first, never transposed). Optional padding gives one patch per pixel.
/// Only one batch of patches (and its activations) is materialized at a time, so memory stays
/// bounded by the batch size even for 256 x 256 images with one tile per pixel.
/// </summary>
public static class PatchLogits
{
    /// <summary>N x C x H x W normalized images to N x Ph x Pw x K logits.</summary>
    public static Tensor Compute(nn.IModule<Tensor, Tensor> model, Tensor images, int tile, int stride = 1, int patchBatch = 1024,
        (int Top, int Bottom, int Left, int Right)? padding = null) =>
        Compute(model.call, images, tile, stride, patchBatch, padding);

    /// <summary>As above, with the network's forward pass given as a function (e.g. a classifier's, in its precision and layout).</summary>
    public static Tensor Compute(Func<Tensor, Tensor> logitsOf, Tensor images, int tile, int stride = 1, int patchBatch = 1024,
        (int Top, int Bottom, int Left, int Right)? padding = null)
    {
        if (stride < 1) throw new MyopiaException($"stride must be >= 1, got {stride}");
        if (tile < 1) throw new MyopiaException($"tile must be >= 1, got {tile}");
        if (patchBatch < 1) throw new MyopiaException($"patch batch must be >= 1, got {patchBatch}");
        using var scope = NewDisposeScope();
        var x = images;
        if (padding is { } p)
            x = nn.functional.pad(images, [p.Left, p.Right, p.Top, p.Bottom]); // zeros after normalization: the mean colour
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (tile > h || tile > w)
            throw new MyopiaException($"tile {tile}x{tile} is larger than the {h}x{w} images");
        var patches = x.unfold(2, tile, stride).unfold(3, tile, stride);        // N x C x Ph x Pw x T x T, a view
        long ph = patches.shape[2], pw = patches.shape[3];
        var outputs = new List<Tensor>();
        foreach (var range in Batches(n, ph, pw, patchBatch))
        {
            using var batchScope = NewDisposeScope(); // frees this batch's patch copy and activations
            var flat = patches.narrow(0, range.Image, range.Images).narrow(2, range.Row, range.Rows).narrow(3, range.Column, range.Columns)
                .permute(0, 2, 3, 1, 4, 5).reshape(-1, c, tile, tile);                // image by image, row by row
            outputs.Add(logitsOf(flat).MoveToOuterDisposeScope());
        }
        var logits = cat(outputs, 0);
        return logits.view(n, ph, pw, -1).MoveToOuterDisposeScope();
    }

    private readonly record struct PatchRange(long Image, long Images, long Row, long Rows, long Column, long Columns);

    /// <summary>
    /// Splits N images of Ph x Pw patches into batches of at most <paramref name="patchBatch"/>
    /// patches, in result order: whole images per batch when they fit, else whole rows of one image,
    /// else pieces of one row.
    /// </summary>
    private static IEnumerable<PatchRange> Batches(long n, long ph, long pw, int patchBatch)
    {
        if (ph * pw <= patchBatch)
        {
            long imagesPerBatch = patchBatch / (ph * pw);
            for (long start = 0; start < n; start += imagesPerBatch)
                yield return new PatchRange(start, Math.Min(imagesPerBatch, n - start), 0, ph, 0, pw);
            yield break;
        }
        long rowsPerBatch = Math.Max(1, patchBatch / pw), columnsPerBatch = Math.Min(pw, patchBatch);
        for (long image = 0; image < n; image++)
        for (long row = 0; row < ph; row += rowsPerBatch)
        for (long column = 0; column < pw; column += columnsPerBatch)
            yield return new PatchRange(image, 1, row, Math.Min(rowsPerBatch, ph - row), column, Math.Min(columnsPerBatch, pw - column));
    }

    /// <summary>
    /// How many T x T patches make one forward pass that holds as many pixels as <paramref name="batch"/>
    /// full H x W images: the one meaning of --batch for every analysis, so that a 128-pixel tile of a
    /// 224-pixel photo does not cost (128/8)^2 times the memory of an 8-pixel tile of CIFAR.
    /// </summary>
    public static int PatchesPerPass(int batch, int height, int width, int tile) =>
        (int)Math.Clamp((long)batch * height * width / ((long)tile * tile), 1, 1 << 16);

    /// <summary>The padding that gives one T x T tile centred per pixel (the study's convention).</summary>
    public static (int Top, int Bottom, int Left, int Right) PerPixelPadding(int tile) =>
        tile % 2 == 0
            ? (tile / 2, tile / 2 - 1, tile / 2, tile / 2 - 1)
            : ((tile - 1) / 2, (tile - 1) / 2, (tile - 1) / 2, (tile - 1) / 2);
}
