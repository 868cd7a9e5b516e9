using Myopia.Tests.Infrastructure;
using Myopia.Analysis.ShiftStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>The transformations do what their parameters say, checked pixel by pixel.</summary>
public class TransformationTests
{
    private static Tensor Ramp(int n = 2, int c = 3, int h = 12, int w = 12) =>
        arange(n * c * h * w, dtype: ScalarType.Float32).reshape(n, c, h, w).remainder(251).add(1);

    [Theory]
    [InlineData(1, 0)] [InlineData(0, 1)] [InlineData(2, -3)] [InlineData(-1, -1)]
    public void ShiftsMoveContentDownAndRight(int dy, int dx)
    {
        using var x = Ramp();
        using var circular = IntegerShift.Apply(x, dy, dx, ShiftBoundary.Circular);
        using var zero = IntegerShift.Apply(x, dy, dx, ShiftBoundary.Zero);
        var a = x.data<float>().ToArray();
        var ci = circular.data<float>().ToArray();
        var ze = zero.data<float>().ToArray();
        int h = 12, w = 12;
        for (int p = 0; p < 6; p++)
        for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++)
        {
            int sy = y - dy, sx = xx - dx;
            float expectedCircular = a[p * h * w + ((sy % h + h) % h) * w + ((sx % w + w) % w)];
            float expectedZero = sy >= 0 && sy < h && sx >= 0 && sx < w ? a[p * h * w + sy * w + sx] : 0;
            Assert.Equal(expectedCircular, ci[p * h * w + y * w + xx]);
            Assert.Equal(expectedZero, ze[p * h * w + y * w + xx]);
        }
    }

    [Fact]
    public void SubpixelShiftIsExactForIntegersAndAveragesAtHalves()
    {
        using var x = Ramp();
        using var whole = SubpixelShift.Apply(x, 2, -1);
        using var integer = IntegerShift.Apply(x, 2, -1, ShiftBoundary.Zero);
        Assert.True(whole.Same(integer));
        using var half = SubpixelShift.Apply(x, 0.5, 0, ShiftBoundary.Circular);
        using var expected = (x + x.roll(1, 2)) / 2;
        Assert.True((half - expected).abs().max().item<float>() < 1e-4f);
        using var quarter = SubpixelShift.Apply(x, 0, 1.25, ShiftBoundary.Circular);
        using var expectedQuarter = x.roll(1, 3) * 0.75 + x.roll(2, 3) * 0.25;
        Assert.True((quarter - expectedQuarter).abs().max().item<float>() < 1e-4f);
    }

    [Theory]
    [InlineData(1.0)] [InlineData(0.4)] [InlineData(0.1)]
    public void CropProtocolPairsAreOnePixelDiagonalShiftsOfTheSource(double scale)
    {
        manual_seed(1);
        using var pixels = randint(0, 256, [3, 3, 32, 32], dtype: ScalarType.Byte);
        var condition = new CropSequence(scale, Seed: 7);
        Assert.Equal(9, condition.Views);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (double)i), condition.Offsets);
        using var views = condition.Build(pixels, 0);
        Assert.Equal(new long[] { 3, 9, 3, 32, 32 }, views.shape);
        for (int t = 0; t + 1 < 9; t++)
        {
            using var first = views.select(1, t).narrow(2, 1, 31).narrow(3, 1, 31);
            using var second = views.select(1, t + 1).narrow(2, 0, 31).narrow(3, 0, 31);
            Assert.True(first.Same(second), $"pair {t}");
            using var notSame = views.select(1, t).ne(views.select(1, t + 1)).any();
            Assert.True(notSame.item<bool>());
        }
        // The same image index gives the same box whatever the batch.
        using var alone = condition.Build(pixels.narrow(0, 2, 1), 2);
        Assert.True(alone[0].Same(views[2]));
    }

    [Fact]
    public void BlackEmbeddingPairsAreZeroFilledDiagonalShifts()
    {
        manual_seed(2);
        using var pixels = randint(1, 256, [2, 3, 32, 32], dtype: ScalarType.Byte);
        var condition = new EmbedSequence(24, 32, Background.Black, [0, 0, 0], 32 / 24.0);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (double)i), condition.Offsets); // 0..8: 8 + 24 = 32
        using var views = condition.Build(pixels, 0);
        for (int t = 0; t + 1 < 9; t++)
        {
            using var shifted = IntegerShift.Apply(views.select(1, t), 1, 1, ShiftBoundary.Zero);
            Assert.True(shifted.Same(views.select(1, t + 1)));
        }
        // Only the 24 x 24 square holds the image.
        using var first = views.select(1, 0);
        Assert.Equal(2 * 3 * 24 * 24, first.ne(0).sum().item<long>());
    }

    [Fact]
    public void MeanBackgroundFillsTheCanvasWithTheMeanColour()
    {
        using var pixels = full(new long[] { 1, 3, 8, 8 }, 200, dtype: ScalarType.Byte);
        using var small = Embedding.Resize(pixels, 4, 4);
        using var canvas = Embedding.Paste(small, 8, 8, 1, 2, Background.Mean, [10, 20, 30]);
        Assert.Equal(20f, canvas[0, 1, 0, 0].item<float>());
        Assert.Equal(30f, canvas[0, 2, 7, 7].item<float>());
        Assert.Equal(200f, canvas[0, 0, 1, 2].item<float>(), 3);
        Assert.Equal(10f, canvas[0, 0, 1, 6].item<float>());
    }

    [Fact]
    public void RescalingsGrowTheCentredImageOnePixelAStep()
    {
        using var pixels = full(new long[] { 1, 3, 32, 32 }, 180, dtype: ScalarType.Byte);
        var condition = (RescaleSequence)ShiftProtocols.Create("azulay-rescale", 32, [0, 0, 0], new ShiftSettings(EmbedSide: 24)).Conditions[0];
        Assert.Equal(Enumerable.Range(20, 9).Select(d => (double)d), condition.Offsets);
        using var views = condition.Build(pixels, 0);
        for (int t = 0; t < 9; t++)
        {
            int d = 20 + t;
            Assert.Equal(3L * d * d, views.select(1, t).ne(0).sum().item<long>());
            Assert.True(views[0, t, 0, (32 - d) / 2, (32 - d) / 2].item<float>() > 170);
        }
    }

    [Theory]
    [InlineData(224, 1.3, 172)] [InlineData(224, 1.6, 140)] [InlineData(224, 1.9, 117)]
    [InlineData(32, 1.3, 24)] [InlineData(32, 1.6, 20)] [InlineData(32, 1.9, 16)]
    public void EmbeddingSidesAdaptToTheImage(int side, double scale, int expected) => Assert.Equal(expected, Embedding.Side(side, scale));

    [Fact]
    public void PresetsAdaptTheirRangesToTheImageSide()
    {
        float[] mean = [0, 0, 0];
        var zhang224 = (OffsetCondition)ShiftProtocols.Create("zhang", 224, mean).Conditions[0];
        Assert.Equal((0, 31), (zhang224.Low, zhang224.High));
        var zhang32 = (OffsetCondition)ShiftProtocols.Create("zhang", 32, mean).Conditions[0];
        Assert.Equal((0, 3), (zhang32.Low, zhang32.High));
        var circular = (OffsetCondition)ShiftProtocols.Create("zhang-circular", 32, mean).Conditions[0];
        Assert.Equal((0, 7), (circular.Low, circular.High));
        var cifar = ShiftProtocols.Create("cifar-circular", 32, mean).Conditions;
        Assert.Equal((-3, 3), (((OffsetCondition)cifar[0]).Low, ((OffsetCondition)cifar[0]).High));
        Assert.Equal(49, cifar[1].Views);
        var sweep = ShiftProtocols.Create("size-sweep", 32, mean).Conditions;
        Assert.Equal(7, sweep.Count);
        Assert.Equal([null, null, null, null, 24, 20, 16], sweep.Select(c => c.EmbedSide));
        Assert.All(sweep, c => Assert.Equal(9, c.Views));
        var black224 = (EmbedSequence)ShiftProtocols.Create("azulay-black", 224, mean).Conditions[0];
        Assert.Equal(172, black224.Side);
        Assert.Equal(21, black224.Offsets[0]); // c0 = floor((224 - 172 - 1) / 2) = 25, c0 - 4 = 21
        Assert.Throws<MyopiaException>(() => ShiftProtocols.Create("nope", 32, mean));
    }

    [Fact]
    public void ZhangCropPairsAreWindowsOfTheResizedImageAtTheDrawnOffsets()
    {
        manual_seed(6);
        using var pixels = randint(0, 256, [2, 3, 32, 32], dtype: ScalarType.Byte);
        var condition = (OffsetCondition)ShiftProtocols.Create("zhang", 32, [0, 0, 0], new ShiftSettings(Pairs: 3, Seed: 4)).Conditions[0];
        using var views = condition.Build(pixels, 10);
        Assert.Equal(new long[] { 2, 6, 3, 32, 32 }, views.shape);
        using var source = Embedding.Resize(pixels, 36, 36);          // 32 + 32/7 = 36, offsets 0..3
        for (int i = 0; i < 2; i++)
        {
            var offsets = condition.OffsetsOf(10 + i);
            for (int k = 0; k < 6; k++)
            {
                using var window = source[i].narrow(1, offsets[k].Dy, 32).narrow(2, offsets[k].Dx, 32);
                Assert.True(window.Same(views[i, k]));
            }
        }
    }

    [Fact]
    public void HalfPixelDiagonalWalkInterpolatesBetweenWholeShifts()
    {
        using var pixels = Ramp(1, 3, 12, 12).to_type(ScalarType.Byte);
        var condition = (DiagonalSequence)ShiftProtocols.Create("diagonal", 12, [0, 0, 0], new ShiftSettings(MaxShift: 2, Step: 0.5, Boundary: ShiftBoundary.Circular)).Conditions[0];
        Assert.Equal(new[] { 0, 0.5, 1, 1.5, 2 }, condition.Offsets);
        using var views = condition.Build(pixels, 0);
        using var x = pixels.to_type(ScalarType.Float32);
        using var whole = x.roll([1, 1], [2, 3]);
        Assert.True((views.select(1, 2) - whole).abs().max().item<float>() < 1e-3f);
        using var half = (x + x.roll(1, 2) + x.roll(1, 3) + x.roll([1, 1], [2, 3])) / 4;
        Assert.True((views.select(1, 1) - half).abs().max().item<float>() < 1e-3f);
    }

    [Fact]
    public void RandomPairsStayInTheirInclusiveRangeAndCoverBothEnds()
    {
        var condition = new OffsetCondition(ConditionKind.Pairs, -3, 3, ShiftBoundary.Circular, Seed: 5, PairsPerImage: 50);
        var offsets = Enumerable.Range(0, 20).SelectMany(i => condition.OffsetsOf(i)).ToList();
        Assert.All(offsets, o => Assert.InRange(o.Dy, -3, 3));
        Assert.Contains(offsets, o => o.Dy == -3);
        Assert.Contains(offsets, o => o.Dx == 3);
        Assert.Equal(condition.OffsetsOf(4), condition.OffsetsOf(4));
    }

    [Theory]
    [InlineData(0.1)] [InlineData(0.5)] [InlineData(1.0)]
    public void ScaleCropCoversTheAreaFraction(double scale)
    {
        for (int i = 0; i < 20; i++)
        {
            var box = ScaleCrop.Box(64, 64, scale, ScaleCrop.Generator(3, i));
            Assert.InRange(box.Top, 0, 64 - box.Height);
            Assert.InRange(box.Left, 0, 64 - box.Width);
            Assert.InRange(box.Height * box.Width / (64.0 * 64), scale * 0.85, scale * 1.15 + 0.01);
            Assert.Equal(box, ScaleCrop.Box(64, 64, scale, ScaleCrop.Generator(3, i)));
        }
    }
}
