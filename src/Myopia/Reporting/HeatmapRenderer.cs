using Myopia.IO;
using Myopia.Analysis.TileStudy;
using SkiaSharp;

namespace Myopia.Reporting;

/// <summary>
/// Draws tile heatmaps over their images: the image upscaled (nearest) to at least 256 pixels so a
/// person can see it, the min-max normalized map in jet blended at 0.5 with masked (zero) pixels
/// left clear, and the class map in tab10 at alpha 0.5 with a legend of class names. A grid has one
/// row per image: image | map | class map. Images are planar bytes (C x H x W, C = 1 or 3).
/// </summary>
public static class HeatmapRenderer
{
    /// <summary>Smallest side, in screen pixels, of one drawn image.</summary>
    public const int MinimumSide = 256;

    /// <summary>Alpha of the overlays: blended at 0.5 over the image.</summary>
    private const byte OverlayAlpha = 128;

    /// <summary>Integer nearest-neighbour magnification that brings the larger side to at least <see cref="MinimumSide"/>.</summary>
    public static int Scale(int height, int width) => Math.Max(1, (int)Math.Ceiling((double)MinimumSide / Math.Max(height, width)));

    /// <summary>One image with its heatmap blended over it, upscaled; zero (masked) pixels show the image alone.</summary>
    public static void WriteOverlay(string path, byte[] rgbPlanar, float[] values, int height, int width)
    {
        int scale = Scale(height, width);
        using var surface = SKSurface.Create(new SKImageInfo(width * scale, height * scale));
        var rect = SKRect.Create(0, 0, width * scale, height * scale);
        using var image = Image(rgbPlanar, height, width);
        using var heat = Heat(values, height, width);
        surface.Canvas.DrawImage(image, rect, new SKSamplingOptions(SKFilterMode.Nearest));
        surface.Canvas.DrawImage(heat, rect, new SKSamplingOptions(SKFilterMode.Nearest));
        Save(surface, path);
    }

    /// <summary>
    /// One row per image: the image, the heatmap over it, the class map over it; a legend of the
    /// classes below. Known object boxes (e.g. synthetic class motifs), if given, are outlined on the image.
    /// </summary>
    public static void WriteGrid(TileHeatmapResult result, byte[][] rgbPlanar, string path, Func<ImageHeatmap, float[]>? values = null, string? title = null,
        IReadOnlyList<IReadOnlyList<ObjectBox>>? boxes = null)
    {
        values ??= m => m.MaskedLogit;
        var first = result.Images[0];
        int scale = Scale(first.Height, first.Width);
        int cell = Math.Max(first.Height, first.Width) * scale, pad = 8, labelHeight = 22, titleHeight = title is null ? 0 : 30;
        int classes = result.ClassNames.Count;
        var legend = LegendClasses(result);
        int legendRows = (int)Math.Ceiling(legend.Count / 5.0);
        int width = 3 * cell + 4 * pad;
        int height = titleHeight + result.Images.Count * (cell + labelHeight + pad) + pad + legendRows * 20 + pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 13);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (title is not null) canvas.DrawText(title, pad, 20, font, text);
        string Name(int c) => c >= 0 && c < classes ? result.ClassNames[c] : c.ToString();
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        for (int i = 0; i < result.Images.Count; i++)
        {
            var m = result.Images[i];
            int y = titleHeight + i * (cell + labelHeight + pad) + pad;
            canvas.DrawText($"#{m.Index} label {Name(m.Label)}, predicted {Name(m.FullPrediction)}, map of {Name(m.ClassOfInterest)}", pad, y + 14, font, text);
            y += labelHeight;
            using var image = Image(rgbPlanar[i], m.Height, m.Width);
            using var heat = Heat(values(m), m.Height, m.Width);
            using var classMap = ClassOverlay(m.ClassMap, m.Height, m.Width, classes);
            for (int col = 0; col < 3; col++)
            {
                var rect = SKRect.Create(pad + col * (cell + pad), y, m.Width * scale, m.Height * scale);
                canvas.DrawImage(image, rect, sampling);
                if (col == 1) canvas.DrawImage(heat, rect, sampling);
                if (col == 2) canvas.DrawImage(classMap, rect, sampling);
            }
            if (boxes is not null)
            {
                using var outline = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = false };
                foreach (var b in boxes[i])
                    canvas.DrawRect(SKRect.Create(pad + b.Left * scale, y + b.Top * scale, b.Size * scale, b.Size * scale), outline);
            }
        }
        int legendY = titleHeight + result.Images.Count * (cell + labelHeight + pad) + pad;
        for (int k = 0; k < legend.Count; k++)
        {
            int c = legend[k];
            int x = pad + (k % 5) * ((width - 2 * pad) / 5), yy = legendY + (k / 5) * 20;
            using var swatch = new SKPaint { Color = Colormaps.Class(c, classes) };
            canvas.DrawRect(x, yy, 14, 14, swatch);
            canvas.DrawText(Name(c), x + 18, yy + 12, font, text);
        }
        Save(surface, path);
    }

    /// <summary>All classes when there are at most ten (tab10); else only those the class maps show, most frequent first.</summary>
    private static List<int> LegendClasses(TileHeatmapResult result)
    {
        int classes = result.ClassNames.Count;
        if (classes <= 10) return Enumerable.Range(0, classes).ToList();
        return result.Images.SelectMany(m => m.ClassMap).CountBy(c => c).OrderByDescending(p => p.Value).ThenBy(p => p.Key)
            .Select(p => p.Key).Take(30).ToList();
    }

    private static void Save(SKSurface surface, string path)
    {
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    private static SKImage Image(byte[] planar, int h, int w)
    {
        int plane = h * w;
        bool gray = planar.Length == plane;
        if (!gray && planar.Length != 3 * plane)
            throw new ArgumentException($"image has {planar.Length} bytes, expected {plane} (gray) or {3 * plane} (RGB) for {h}x{w}");
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int p = y * w + x;
            bitmap.SetPixel(x, y, gray ? new SKColor(planar[p], planar[p], planar[p]) : new SKColor(planar[p], planar[plane + p], planar[2 * plane + p]));
        }
        return SKImage.FromBitmap(bitmap);
    }

    // Min-max over the unmasked values (a masked 0 would otherwise pin one end of the scale: the
    // masked max logit can be negative); pixels whose value is 0 (masked) stay clear.
    private static SKImage Heat(float[] values, int h, int w)
    {
        var kept = values.Where(v => v != 0 && float.IsFinite(v)).DefaultIfEmpty(0f).ToArray();
        float min = kept.Min(), max = kept.Max();
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            float v = values[y * w + x];
            var c = Colormaps.Jet(max > min ? (v - min) / (max - min) : 1);
            bitmap.SetPixel(x, y, v == 0 || !float.IsFinite(v) ? SKColors.Transparent : c.WithAlpha(OverlayAlpha));
        }
        return SKImage.FromBitmap(bitmap);
    }

    private static SKImage ClassOverlay(int[] classMap, int h, int w, int classes)
    {
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            bitmap.SetPixel(x, y, Colormaps.Class(classMap[y * w + x], classes).WithAlpha(OverlayAlpha));
        return SKImage.FromBitmap(bitmap);
    }
}
