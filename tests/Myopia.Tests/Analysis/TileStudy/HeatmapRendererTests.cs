using Myopia.Analysis.TileStudy;
using Myopia.Reporting;
using SkiaSharp;

namespace Myopia.Tests.Analysis.TileStudy;

public class HeatmapRendererTests
{
    private static string TempPng() => Path.Combine(Path.GetTempPath(), $"myopia-heat-{Guid.NewGuid():N}.png");

    [Fact]
    public void OverlayIsUpscaledBlendsJetAtOneHalfAndLeavesMaskedPixelsClear()
    {
        const int h = 4, w = 5;
        var gray = new byte[3 * h * w];
        Array.Fill(gray, (byte)100);
        var values = new float[h * w];           // 0 = masked
        values[1 * w + 3] = 2f;                    // the maximum: top of jet (dark red)
        values[2 * w + 0] = -1f;                   // the minimum: bottom of jet (dark blue), a negative logit
        values[3 * w + 4] = 0.5f;
        var path = TempPng();
        try
        {
            HeatmapRenderer.WriteOverlay(path, gray, values, h, w);
            using var png = SKBitmap.Decode(path);
            int scale = HeatmapRenderer.Scale(h, w);
            Assert.True(scale * w >= HeatmapRenderer.MinimumSide);
            Assert.Equal(w * scale, png.Width);
            Assert.Equal(h * scale, png.Height);
            SKColor At(int row, int col) => png.GetPixel(col * scale + scale / 2, row * scale + scale / 2);
            AssertColor(new SKColor(100, 100, 100), At(0, 0));                 // masked: the image alone
            AssertColor(new SKColor(113, 50, 50), At(1, 3));                   // (127, 0, 0) over 100 at alpha 0.5
            AssertColor(new SKColor(50, 50, 113), At(2, 0));                   // (0, 0, 127) over 100 at alpha 0.5
            Assert.Equal(At(1, 3), png.GetPixel(3 * scale, 1 * scale));        // nearest: one colour per source pixel
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void GridHasARowPerImageAtAReadableSize()
    {
        const int h = 32, w = 32, classes = 10;
        var rng = new Random(3);
        ImageHeatmap Map(int index)
        {
            var classMap = Enumerable.Range(0, h * w).Select(_ => rng.Next(classes)).ToArray();
            var logit = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble()).ToArray();
            var masked = logit.Select((v, p) => classMap[p] == 3 ? v : 0f).ToArray();
            return new ImageHeatmap(index, 3, 3, 3, h, w, logit, masked, logit, logit, classMap);
        }
        var result = new TileHeatmapResult(new TileHeatmapOptions(8), "exact", Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray(), [Map(0), Map(1)], 1);
        var pixels = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 3 * h * w).Select(_ => (byte)rng.Next(256)).ToArray()).ToArray();
        var path = TempPng();
        try
        {
            HeatmapRenderer.WriteGrid(result, pixels, path, title: "test grid");
            using var png = SKBitmap.Decode(path);
            Assert.NotNull(png);
            Assert.True(png.Width >= 3 * HeatmapRenderer.MinimumSide, $"grid is only {png.Width} px wide");
            Assert.True(png.Height >= 2 * HeatmapRenderer.MinimumSide, $"grid is only {png.Height} px high");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WithManyClassesOnlyTheMostFrequentAreColouredAndTheRestGrey()
    {
        const int h = 12, w = 20, classes = 120;
        var rng = new Random(5);
        // Classes 0-7 cover half the pixels, the other 112 classes the rest.
        ImageHeatmap Map(int index)
        {
            var classMap = Enumerable.Range(0, h * w).Select(p => p % 2 == 0 ? p / 2 % 8 : 8 + rng.Next(classes - 8)).ToArray();
            var logit = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble() + 0.1f).ToArray();
            return new ImageHeatmap(index, 0, 0, 0, h, w, logit, logit, logit, logit, classMap);
        }
        var result = new TileHeatmapResult(new TileHeatmapOptions(4), "exact", Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray(), [Map(0), Map(1)], 1);
        var pixels = Enumerable.Range(0, 2).Select(_ => new byte[3 * h * w]).ToArray();
        var path = TempPng();
        try
        {
            HeatmapRenderer.WriteGrid(result, pixels, path, title: "many classes");
            using var png = SKBitmap.Decode(path);
            int zoom = HeatmapRenderer.Scale(h, w);
            long grey = 0;
            for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width; x++)
                if (png.GetPixel(x, y) == new SKColor(0xBB, 0xBB, 0xBB)) grey++;
            // Half of each class map is "other classes": grey, not 112 hues that nobody could tell apart.
            long half = 2L * h * w * zoom * zoom / 2;
            Assert.InRange(grey, (long)(0.95 * half), (long)(1.05 * half) + 14 * 14);
            // Cells are as wide as the images (20 wide, 12 high): the grid is wider than high per row.
            Assert.True(png.Width > 3 * w * zoom && png.Width < 3 * w * zoom + 250, $"grid {png.Width} px wide for 3 cells of {w * zoom}");
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(HeatmapScale.Shared)]
    [InlineData(HeatmapScale.PerImage)]
    public void ASharedScaleKeepsAWeakMapDarkWhereAPerImageScaleStretchesIt(HeatmapScale scale)
    {
        const int h = 16, w = 16;
        // Image 0's map is weak (1.5 everywhere), image 1's strong (20): on one shared scale image 0 sits at its bottom.
        ImageHeatmap Map(int index, float value)
        {
            var values = Enumerable.Repeat(value, h * w).ToArray();
            return new ImageHeatmap(index, 0, 0, 0, h, w, values, values, values, values, new int[h * w]);
        }
        var result = new TileHeatmapResult(new TileHeatmapOptions(4), "exact", ["a", "b"], [Map(0, 1.5f), Map(1, 20f)], 1);
        var path = TempPng();
        try
        {
            HeatmapRenderer.WriteGrid(result, [new byte[3 * h * w], new byte[3 * h * w]], path, scale: scale);
            using var png = SKBitmap.Decode(path);
            int cell = w * HeatmapRenderer.Scale(h, w);
            // The middle of row 0's map cell: pad 10, column header 24, row label 22 (HeatmapRenderer's layout).
            var middle = png.GetPixel(10 + cell + 10 + cell / 2, 24 + 22 + cell / 2);
            var expected = scale == HeatmapScale.Shared ? HeatmapRenderer.Viridis(0) : HeatmapRenderer.Viridis(1);
            AssertColor(expected, middle);
        }
        finally { File.Delete(path); }
    }

    private static void AssertColor(SKColor expected, SKColor actual, int tolerance = 3)
    {
        Assert.True(Math.Abs(expected.Red - actual.Red) <= tolerance && Math.Abs(expected.Green - actual.Green) <= tolerance
            && Math.Abs(expected.Blue - actual.Blue) <= tolerance, $"expected {expected}, got {actual}");
    }
}
