using Myopia.Analysis.TileStudy;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.TileStudy;

public class PatchLogitsTests
{
    [Theory]
    [InlineData(1)]    // one patch per batch
    [InlineData(5)]    // pieces of a row (rows are 6 patches wide)
    [InlineData(13)]   // two whole rows of one image
    [InlineData(60)]   // one whole image (42 patches)
    [InlineData(100)]  // two whole images
    public void EveryBatchSplitGivesTheSameLogitsInTheSameOrder(int patchBatch)
    {
        manual_seed(5);
        using var model = ModelRegistry.Create("smallcnn", 3);
        model.eval();
        using var noGrad = no_grad();
        using var images = randn(3, 3, 12, 10);
        var padding = PatchLogits.PerPixelPadding(5);
        using var reference = PatchLogits.Compute(model, images, tile: 5, stride: 2, patchBatch: 100_000, padding: padding);
        using var split = PatchLogits.Compute(model, images, tile: 5, stride: 2, patchBatch: patchBatch, padding: padding);
        Assert.Equal(new long[] { 3, 6, 5, 3 }, reference.shape); // (12 + 4 - 5) / 2 + 1 = 6 rows, (10 + 4 - 5) / 2 + 1 = 5 columns
        Assert.True(split.allclose(reference, rtol: 1e-5, atol: 1e-5), $"patch batch {patchBatch} changes the logits");

        // And each equals the network on that exact patch: image 2, row 4, column 3.
        using var padded = nn.functional.pad(images, [2, 2, 2, 2]);
        using var patch = padded.narrow(0, 2, 1).narrow(2, 4 * 2, 5).narrow(3, 3 * 2, 5);
        using var direct = model.call(patch);
        Assert.True(direct[0].allclose(split[2, 4, 3], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void RejectsATileLargerThanThePaddedImage()
    {
        using var model = ModelRegistry.Create("smallcnn", 2);
        using var images = zeros(1, 3, 8, 8);
        var e = Assert.Throws<MyopiaException>(() => PatchLogits.Compute(model, images, tile: 9));
        Assert.Contains("larger than", e.Message);
    }

    [Theory]
    [InlineData(8, 4, 3)]
    [InlineData(7, 3, 3)]
    [InlineData(1, 0, 0)]
    public void PerPixelPaddingFollowsTheStudy(int tile, int before, int after)
    {
        var p = PatchLogits.PerPixelPadding(tile);
        Assert.Equal((before, after, before, after), p);
        Assert.Equal(tile - 1, p.Top + p.Bottom); // one tile per pixel
    }
}
