using Myopia.Analysis.DiffeoStudy;
using ScottPlot;
using SkiaSharp;

namespace Myopia.Reporting;

/// <summary>
/// The diffeo lab's figures: D, G and R against relative depth, one line per measured network (trained,
/// init, shuffled), on log axes as the papers draw them; and the example grid (image | deformed | noisy at a
/// few temperatures) that shows what "a diffeomorphism of typical displacement δ" looks like.
/// </summary>
public static class DiffeoPlots
{
    /// <summary>Three panels, D_k, G_k and R_k against relative depth (log y); the input's R = 1 is drawn as a reference line.</summary>
    public static void DepthProfile(DiffeoResult result, string title, string path)
    {
        var panels = new List<Plot>();
        foreach (var (name, value) in new (string, Func<Sensitivities, double>)[] { ("D", s => s.D), ("G", s => s.G), ("R", s => s.R) })
        {
            var plot = new Plot();
            var all = new List<double>();
            for (int v = 0; v < result.Variants.Count; v++)
            {
                var variant = result.Variants[v];
                var nodes = variant.Nodes.Where(n => value(n.Sensitivities) > 0 && double.IsFinite(value(n.Sensitivities))).ToList();
                if (nodes.Count == 0) continue;
                var ys = nodes.Select(n => Math.Log10(value(n.Sensitivities))).ToArray();
                all.AddRange(ys);
                var line = plot.Add.Scatter(nodes.Select(n => n.RelativeDepth).ToArray(), ys, PlotFile.Series(v));
                line.LegendText = variant.Model;
                line.LineWidth = 2;
                line.MarkerSize = 5;
                if (variant.Model == "shuffled") line.LinePattern = LinePattern.Dashed;
            }
            if (name == "R")
            {
                var one = plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
                one.LegendText = "R = 1";
                all.Add(0);
            }
            if (all.Count > 0)
            {
                double lo = all.Min(), hi = all.Max(), margin = Math.Max(0.1, (hi - lo) * 0.08);
                plot.Axes.SetLimitsY(lo - margin, hi + margin);
                plot.Axes.Left.TickGenerator = PlotFile.LogTicks(lo - margin, hi + margin);
            }
            plot.Axes.SetLimitsX(-0.03, 1.03);
            plot.Title($"{name}_k");
            plot.XLabel("relative depth (0 input, 1 output)");
            plot.YLabel(name switch { "D" => "D: deformation sensitivity", "G" => "G: noise sensitivity", _ => "R = D / G" });
            plot.ShowLegend(Alignment.LowerLeft);
            panels.Add(plot);
        }
        panels[0].Title($"D_k  ({title})".Length > 60 ? "D_k" : $"D_k  ({title})");
        PlotFile.SaveRow(panels, path);
    }

    /// <summary>
    /// Rows of images; in each, the clean image then (deformed, noisy) pairs at each temperature. Images are
    /// N x C x H x W pixel tensors (0..255, uint8 or float), one per cell.
    /// </summary>
    public static void Examples(IReadOnlyList<IReadOnlyList<TorchSharp.torch.Tensor>> rows, IReadOnlyList<string> columnTitles, string title, string path)
    {
        var first = rows[0][0];
        int h = (int)first.shape[^2], w = (int)first.shape[^1];
        int scale = Math.Max(1, (int)Math.Ceiling(96.0 / Math.Max(h, w)));
        int cell = Math.Max(h, w) * scale, pad = 8, header = 46;
        int columns = rows.Max(r => r.Count);
        int width = Math.Max(columns * (cell + pad) + pad, 420), height = header + rows.Count * (cell + pad) + pad;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var titleFont = new SKFont(SKTypeface.Default, 14);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, pad, 18, titleFont, ink);
        for (int c = 0; c < columnTitles.Count; c++)
            canvas.DrawText(columnTitles[c], pad + c * (cell + pad), header - 8, font, ink);
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < rows[r].Count; c++)
            {
                using var image = ToImage(rows[r][c]);
                canvas.DrawImage(image, SKRect.Create(pad + c * (cell + pad), header + r * (cell + pad), w * scale, h * scale), sampling);
            }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        IO.AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    private static SKImage ToImage(TorchSharp.torch.Tensor pixels)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var t = pixels.to_type(TorchSharp.torch.ScalarType.Float32).clamp(0, 255).round().to_type(TorchSharp.torch.ScalarType.Byte).cpu();
        if (t.dim() == 4) t = t.squeeze(0);
        if (t.dim() == 2) t = t.unsqueeze(0);
        int channels = (int)t.shape[0], h = (int)t.shape[1], w = (int)t.shape[2];
        var bytes = t.contiguous().data<byte>().ToArray();
        int plane = h * w;
        using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                bitmap.SetPixel(x, y, channels >= 3 ? new SKColor(bytes[p], bytes[plane + p], bytes[2 * plane + p]) : new SKColor(bytes[p], bytes[p], bytes[p]));
            }
        return SKImage.FromBitmap(bitmap);
    }
}
