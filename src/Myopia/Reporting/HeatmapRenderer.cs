using Myopia.Analysis.TileStudy;
using SkiaSharp;

namespace Myopia.Reporting;

/// <summary>
/// Draws tile heatmaps over their images: the image upscaled (nearest) so a person can see it, the
/// min-max normalized map in jet blended at 0.5 with masked (zero) pixels left clear, and the class
/// map in tab10 at alpha 0.5 with a legend of class names. One row per image: image | map | class map.
/// </summary>
public static class HeatmapRenderer
{
    public static void WriteGrid(TileHeatmapResult result, byte[][] rgbPlanar, string path, Func<ImageHeatmap, float[]>? values = null, string? title = null)
    {
        values ??= m => m.MaskedLogit;
        var first = result.Images[0];
        int scale = Math.Max(1, (int)Math.Ceiling(160.0 / Math.Max(first.Height, first.Width)));
        int cell = Math.Max(first.Height, first.Width) * scale, pad = 8, labelHeight = 22, titleHeight = title is null ? 0 : 30;
        int classes = result.ClassNames.Count, legendRows = (int)Math.Ceiling(classes / 5.0);
        int width = 3 * cell + 4 * pad;
        int height = titleHeight + result.Images.Count * (cell + labelHeight + pad) + pad + legendRows * 20 + pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 13);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (title is not null) canvas.DrawText(title, pad, 20, font, text);
        for (int i = 0; i < result.Images.Count; i++)
        {
            var m = result.Images[i];
            int y = titleHeight + i * (cell + labelHeight + pad) + pad;
            string Name(int c) => c >= 0 && c < classes ? result.ClassNames[c] : c.ToString();
            canvas.DrawText($"#{m.Index} label {Name(m.Label)}, predicted {Name(m.FullPrediction)}", pad, y + 14, font, text);
            y += labelHeight;
            using var image = Image(rgbPlanar[i], m.Height, m.Width);
            using var heat = Heat(values(m), m.Height, m.Width);
            using var classMap = ClassOverlay(m.ClassMap, m.Height, m.Width, classes);
            var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
            for (int col = 0; col < 3; col++)
            {
                var rect = SKRect.Create(pad + col * (cell + pad), y, m.Width * scale, m.Height * scale);
                canvas.DrawImage(image, rect, sampling);
                if (col == 1) canvas.DrawImage(heat, rect, new SKSamplingOptions(SKFilterMode.Linear));
                if (col == 2) canvas.DrawImage(classMap, rect, sampling);
            }
        }
        int legendY = titleHeight + result.Images.Count * (cell + labelHeight + pad) + pad;
        for (int c = 0; c < classes; c++)
        {
            int x = pad + (c % 5) * ((width - 2 * pad) / 5), yy = legendY + (c / 5) * 20;
            using var swatch = new SKPaint { Color = Colormaps.Class(c, classes) };
            canvas.DrawRect(x, yy, 14, 14, swatch);
            canvas.DrawText(result.ClassNames[c], x + 18, yy + 12, font, text);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    private static SKImage Image(byte[] planar, int h, int w)
    {
        int plane = h * w;
        bool gray = planar.Length == plane;
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int p = y * w + x;
            bitmap.SetPixel(x, y, gray ? new SKColor(planar[p], planar[p], planar[p]) : new SKColor(planar[p], planar[plane + p], planar[2 * plane + p]));
        }
        return SKImage.FromBitmap(bitmap);
    }

    // Blend at 0.5 (the study used addWeighted(heat, 0.5, image, 1.0)); pixels whose value is 0 (masked) stay clear.
    private static SKImage Heat(float[] values, int h, int w)
    {
        float min = values.Where(v => v != 0).DefaultIfEmpty(0).Min(), max = values.Where(v => v != 0).DefaultIfEmpty(1).Max();
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            float v = values[y * w + x];
            var c = Colormaps.Jet(max > min ? (v - min) / (max - min) : 1);
            bitmap.SetPixel(x, y, v == 0 ? SKColors.Transparent : c.WithAlpha(140));
        }
        return SKImage.FromBitmap(bitmap);
    }

    private static SKImage ClassOverlay(int[] classMap, int h, int w, int classes)
    {
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            bitmap.SetPixel(x, y, Colormaps.Class(classMap[y * w + x], classes).WithAlpha(128));
        return SKImage.FromBitmap(bitmap);
    }
}
