using Myopia.IO;
using Myopia.Analysis.TileStudy;
using SkiaSharp;

namespace Myopia.Reporting;

/// <summary>
/// Draws tile heatmaps: every image upscaled (nearest) to at least 256 pixels so a person can see it.
/// A grid (<see cref="WriteGrid"/>) has one row per image (image | map | class map) with column
/// titles, a colour bar and a class legend; a single overlay (<see cref="WriteOverlay"/>) blends the
/// min-max normalized map in jet at 0.5 over the image. Images are planar bytes (C x H x W, C = 1 or 3).
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
    /// One row per image under three column titles: the image; the map in viridis, opaque over a faded
    /// copy of the image so that masked (zero) pixels show where the image is; the class map, opaque,
    /// with the <see cref="ClassMapColours"/> most frequent classes coloured and the rest grey. A colour
    /// bar at the right gives the map's values, described by <paramref name="unit"/> (its lines split at
    /// '\n'; its first line is also the column title): one scale shared by every
    /// row (<see cref="HeatmapScale.Shared"/>), or each row from its own minimum to maximum. Known
    /// object boxes (e.g. synthetic class motifs), if given, are outlined on the image.
    /// </summary>
    public static void WriteGrid(TileHeatmapResult result, byte[][] rgbPlanar, string path, Func<ImageHeatmap, float[]>? values = null, string? title = null,
        IReadOnlyList<IReadOnlyList<ObjectBox>>? boxes = null, string unit = "masked max logit", HeatmapScale scale = HeatmapScale.Shared)
    {
        values ??= m => m.MaskedLogit;
        int maxH = result.Images.Max(m => m.Height), maxW = result.Images.Max(m => m.Width);
        int zoom = Scale(maxH, maxW);
        // Cells as wide and high as the largest image, not square: non-square images leave no gaps.
        int cellW = maxW * zoom, cellH = maxH * zoom, pad = 10, labelHeight = 22, headerHeight = 24, barWidth = 150;
        int titleHeight = title is null ? 0 : 34;
        int classes = result.ClassNames.Count;
        var legend = LegendClasses(result);
        bool others = legend.Count < result.Images.SelectMany(m => m.ClassMap).Distinct().Count();
        int legendColumns = Math.Max(1, (3 * cellW + 2 * pad) / 170);
        int legendRows = (int)Math.Ceiling((legend.Count + (others ? 1 : 0)) / (double)legendColumns);
        int width = 3 * cellW + 4 * pad + barWidth;
        int rowHeight = cellH + labelHeight + pad;
        int gridTop = titleHeight + headerHeight;
        int height = gridTop + result.Images.Count * rowHeight + pad + 22 + legendRows * 20 + pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName(FigureStyle.Font) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 13);
        using var bold = new SKFont(typeface, 15);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (title is not null) canvas.DrawText(title, pad, 22, bold, text);
        string[] headers = ["image", unit.Split('\n')[0], "predicted class per pixel"];
        for (int col = 0; col < 3; col++)
            canvas.DrawText(headers[col], pad + col * (cellW + pad), titleHeight + 16, bold, text);
        string Name(int c) => c >= 0 && c < classes ? result.ClassNames[c] : c.ToString();
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        var shared = Range(result.Images.SelectMany(values));
        var colours = legend.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => ClassPalette[p.i]);
        for (int i = 0; i < result.Images.Count; i++)
        {
            var m = result.Images[i];
            int y = gridTop + i * rowHeight;
            canvas.DrawText($"#{m.Index} label {Name(m.Label)}, predicted {Name(m.FullPrediction)}, map of {Name(m.ClassOfInterest)}", pad, y + 15, font, text);
            y += labelHeight;
            var range = scale == HeatmapScale.Shared ? shared : Range(values(m));
            using var image = Image(rgbPlanar[i], m.Height, m.Width);
            using var faded = Faded(rgbPlanar[i], m.Height, m.Width);
            using var heat = Heat(values(m), m.Height, m.Width, range);
            using var classMap = ClassOverlay(m.ClassMap, m.Height, m.Width, colours);
            for (int col = 0; col < 3; col++)
            {
                var rect = SKRect.Create(pad + col * (cellW + pad), y, m.Width * zoom, m.Height * zoom);
                canvas.DrawImage(col == 1 ? faded : image, rect, sampling);
                if (col == 1) canvas.DrawImage(heat, rect, sampling);
                if (col == 2) canvas.DrawImage(classMap, rect, sampling);
            }
            if (scale == HeatmapScale.PerImage)
                canvas.DrawText(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{range.Min:G3} to {range.Max:G3}"),
                    pad + cellW + pad, y + m.Height * zoom + 14, font, text);
            if (boxes is not null)
            {
                using var outline = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = false };
                foreach (var b in boxes[i])
                    canvas.DrawRect(SKRect.Create(pad + b.Left * zoom, y + b.Top * zoom, b.Size * zoom, b.Size * zoom), outline);
            }
        }
        ColourBar(canvas, 3 * cellW + 4 * pad, gridTop + labelHeight, Math.Min(320, result.Images.Count * rowHeight - labelHeight - pad),
            scale == HeatmapScale.Shared ? shared : (0, 1), scale == HeatmapScale.Shared ? unit : $"{unit}\n(each row from its\nminimum (0) to\nmaximum (1))", font, text);
        int legendY = gridTop + result.Images.Count * rowHeight + pad;
        canvas.DrawText(others ? $"class map: the {legend.Count} most frequent predicted classes; grey: the other classes" : "class map", pad, legendY + 12, font, text);
        legendY += 22;
        var entries = legend.Select(c => (Name(c), colours[c])).ToList();
        if (others) entries.Add(("other classes", OtherClasses));
        for (int k = 0; k < entries.Count; k++)
        {
            int x = pad + (k % legendColumns) * 170, yy = legendY + (k / legendColumns) * 20;
            using var swatch = new SKPaint { Color = entries[k].Item2 };
            canvas.DrawRect(x, yy, 14, 14, swatch);
            canvas.DrawText(entries[k].Item1, x + 18, yy + 12, font, text);
        }
        Save(surface, path);
    }

    /// <summary>Classes coloured in a class map; the others are drawn grey, so that colours stay distinguishable with 100+ classes.</summary>
    public const int ClassMapColours = 8;

    // Okabe–Ito (all eight: a filled region in yellow is visible, unlike a thin line) for the most frequent classes.
    private static readonly SKColor[] ClassPalette =
    [
        SKColor.Parse("#0072B2"), SKColor.Parse("#E69F00"), SKColor.Parse("#009E73"), SKColor.Parse("#D55E00"),
        SKColor.Parse("#56B4E9"), SKColor.Parse("#CC79A7"), SKColor.Parse("#F0E442"), SKColor.Parse("#000000"),
    ];

    private static readonly SKColor OtherClasses = SKColor.Parse("#BBBBBB");

    /// <summary>The <see cref="ClassMapColours"/> classes covering most pixels of the drawn class maps, most frequent first.</summary>
    private static List<int> LegendClasses(TileHeatmapResult result) =>
        result.Images.SelectMany(m => m.ClassMap).CountBy(c => c).OrderByDescending(p => p.Value).ThenBy(p => p.Key)
            .Select(p => p.Key).Take(ClassMapColours).ToList();

    // Min and max over the unmasked values (a masked 0 would otherwise pin one end of the scale: the
    // masked max logit can be negative).
    private static (float Min, float Max) Range(IEnumerable<float> values)
    {
        var kept = values.Where(v => v != 0 && float.IsFinite(v)).DefaultIfEmpty(0f).ToArray();
        return (kept.Min(), kept.Max());
    }

    private static void ColourBar(SKCanvas canvas, int x, int y, int height, (float Min, float Max) range, string label, SKFont font, SKPaint text)
    {
        const int barWidth = 18;
        for (int i = 0; i < height; i++)
        {
            using var paint = new SKPaint { Color = Viridis(1 - (double)i / Math.Max(1, height - 1)) };
            canvas.DrawRect(x, y + i, barWidth, 1, paint);
        }
        using var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(x, y, barWidth, height, frame);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (int k = 0; k <= 4; k++)
        {
            float v = range.Min + (range.Max - range.Min) * k / 4f;
            float yy = y + height - height * k / 4f;
            canvas.DrawLine(x + barWidth, yy, x + barWidth + 4, yy, frame);
            canvas.DrawText(v.ToString("G3", inv), x + barWidth + 6, yy + 4, font, text);
        }
        int line = 0;
        foreach (var part in label.Split('\n'))
            canvas.DrawText(part, x, y + height + 18 + 16 * line++, font, text);
    }

    /// <summary>Viridis for v in [0, 1] (perceptually uniform and readable in grey, unlike jet).</summary>
    public static SKColor Viridis(double v)
    {
        var c = new ScottPlot.Colormaps.Viridis().GetColor(Math.Clamp(v, 0, 1));
        return new SKColor(c.R, c.G, c.B);
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

    // The image in grey at a third of its contrast: where a map is masked, the image still shows through.
    private static SKImage Faded(byte[] planar, int h, int w)
    {
        int plane = h * w;
        bool gray = planar.Length == plane;
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (int p = 0; p < plane; p++)
        {
            int luma = gray ? planar[p] : (299 * planar[p] + 587 * planar[plane + p] + 114 * planar[2 * plane + p]) / 1000;
            byte v = (byte)(170 + luma / 3);
            bitmap.SetPixel(p % w, p / w, new SKColor(v, v, v));
        }
        return SKImage.FromBitmap(bitmap);
    }

    private static SKImage Heat(float[] values, int h, int w, (float Min, float Max) range)
    {
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int p = 0; p < h * w; p++)
        {
            float v = values[p];
            var c = Viridis(range.Max > range.Min ? (v - range.Min) / (range.Max - range.Min) : 1);
            bitmap.SetPixel(p % w, p / w, v == 0 || !float.IsFinite(v) ? SKColors.Transparent : c);
        }
        return SKImage.FromBitmap(bitmap);
    }

    private static SKImage ClassOverlay(int[] classMap, int h, int w, IReadOnlyDictionary<int, SKColor> colours)
    {
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int p = 0; p < h * w; p++)
            bitmap.SetPixel(p % w, p / w, colours.TryGetValue(classMap[p], out var c) ? c : OtherClasses);
        return SKImage.FromBitmap(bitmap);
    }
}
