using Myopia.Augmentation;
using static TorchSharp.torch;

namespace Myopia.Tests.Augmentation;

public class TileCropTests
{
    // An asymmetric image: value = 100 * channel + 10 * row + column (rows and columns differ in scale).
    private static Tensor AsymmetricImages(int n, int c, int h, int w)
    {
        using var ch = arange(c).view(1, c, 1, 1) * 10000;
        using var row = arange(h).view(1, 1, h, 1) * 100;
        using var col = arange(w).view(1, 1, 1, w);
        using var img = ch + row + col;
        using var batch = arange(n).view(n, 1, 1, 1) * 1000000;
        return (img + batch).to_type(ScalarType.Float32);
    }

    [Fact]
    public void TileEqualsTheSameRegionSlicedDirectly()
    {
        using var images = AsymmetricImages(3, 2, 10, 12);
        using var top = tensor(new long[] { 0, 3, 6 });
        using var left = tensor(new long[] { 5, 0, 8 });
        using var tiles = TileCrop.Crop(images, top, left, 4);
        Assert.Equal(new long[] { 3, 2, 4, 4 }, tiles.shape);
        for (int i = 0; i < 3; i++)
        {
            long t = top[i].item<long>(), l = left[i].item<long>();
            using var expected = images[i].narrow(1, t, 4).narrow(2, l, 4);
            Assert.True(tiles[i].eq(expected).all().item<bool>(), $"tile {i} differs from x[:, {t}:{t + 4}, {l}:{l + 4}] (transposed or misplaced)");
        }
    }

    [Fact]
    public void CornersCoverEveryValidPositionInclusiveAndNeverLeaveTheImage()
    {
        using var g = new Generator(7);
        var (top, left) = TileCrop.SampleCorners(20000, 10, 7, 4, g);
        Assert.Equal(0, top.min().item<long>());
        Assert.Equal(6, top.max().item<long>());   // H - T, inclusive
        Assert.Equal(0, left.min().item<long>());
        Assert.Equal(3, left.max().item<long>());  // W - T, inclusive
        top.Dispose();
        left.Dispose();
    }

    [Fact]
    public void TileLargerThanTheImageIsRejectedWithAClearMessage()
    {
        using var images = zeros(1, 3, 8, 8);
        using var corner = zeros(1, dtype: ScalarType.Int64);
        var e = Assert.Throws<MyopiaException>(() => TileCrop.Crop(images, corner, corner, 9));
        Assert.Contains("larger than", e.Message);
    }

    [Fact]
    public void FlipMirrorsOnlyTheChosenImagesLeftRight()
    {
        using var images = AsymmetricImages(2, 1, 3, 4);
        using var mask = tensor(new[] { true, false });
        using var flipped = HorizontalFlip.Apply(images, mask);
        Assert.Equal(images[0, 0, 1, 3].item<float>(), flipped[0, 0, 1, 0].item<float>());
        Assert.True(flipped[1].eq(images[1]).all().item<bool>());
    }

    [Fact]
    public void ZeroAndReflectPaddingAddBordersOfTheRightKind()
    {
        using var images = AsymmetricImages(1, 1, 4, 4);
        using var zero = Padding.Apply(images, 2, PadMode.Zero);
        using var reflect = Padding.Apply(images, 2, PadMode.Reflect);
        Assert.Equal(new long[] { 1, 1, 8, 8 }, zero.shape);
        Assert.Equal(0f, zero[0, 0, 0, 0].item<float>());
        // Reflect: padded row 0 mirrors image row 2 (no edge repeat).
        Assert.Equal(images[0, 0, 2, 2].item<float>(), reflect[0, 0, 0, 2 + 2].item<float>());
    }

    [Fact]
    public void EpochPlanIsDeterministicPerSeedAndEpochAndDiffersAcrossEpochs()
    {
        var options = new AugmentationOptions(Tile: 8);
        using var a = EpochPlan.Create(100, 32, 32, options, seed: 3, epoch: 1);
        using var b = EpochPlan.Create(100, 32, 32, options, seed: 3, epoch: 1);
        using var c = EpochPlan.Create(100, 32, 32, options, seed: 3, epoch: 2);
        Assert.True(a.Order.eq(b.Order).all().item<bool>() && a.Top!.eq(b.Top!).all().item<bool>() && a.Flip!.eq(b.Flip!).all().item<bool>());
        Assert.False(a.Order.eq(c.Order).all().item<bool>());
    }
}
