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
            FigureStyle.LegendOutside(plot);
            panels.Add(plot);
        }
        panels[0].Title($"D_k  ({title})".Length > 60 ? "D_k" : $"D_k  ({title})");
        PlotFile.SaveRow(panels, path);
    }

    /// <summary>[P1]'s scatter: test error against R_f (log-log), one point per network, the fitted power law and the paper's 0.2·√R_f.</summary>
    public static void ErrorScatter(ErrorScaling fit, string path)
    {
        var plot = new Plot();
        var points = fit.Points.Where(p => p.Error > 0 && p.RTrained > 0).ToList();
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var marker = plot.Add.Marker(Math.Log10(p.RTrained), Math.Log10(p.Error), MarkerShape.FilledCircle, 10, PlotFile.Series(i));
            marker.LegendText = p.Name;
            if (p.RInit is { } r0 && r0 > 0)
            {
                var init = plot.Add.Marker(Math.Log10(r0), Math.Log10(p.Error), MarkerShape.OpenCircle, 9, PlotFile.Series(i));
                var arrow = plot.Add.Line(Math.Log10(r0), Math.Log10(p.Error), Math.Log10(p.RTrained), Math.Log10(p.Error));
                arrow.Color = PlotFile.Series(i).WithAlpha(0.35);
                arrow.LinePattern = LinePattern.Dotted;
            }
        }
        var xs = points.SelectMany(p => new[] { p.RTrained, p.RInit ?? p.RTrained }).Select(Math.Log10).ToList();
        double lo = xs.Min() - 0.2, hi = xs.Max() + 0.2;
        var paper = plot.Add.Line(lo, Math.Log10(ErrorScaling.PaperPrefactor) + lo / 2, hi, Math.Log10(ErrorScaling.PaperPrefactor) + hi / 2);
        paper.Color = Colors.Black;
        paper.LinePattern = LinePattern.Dashed;
        paper.LegendText = "ε = 0.2·√R_f (Petrini et al.)";
        if (double.IsFinite(fit.Slope))
        {
            // The fit is in natural logs: log10 ε = intercept/ln10 + slope·log10 R.
            double a = fit.Intercept / Math.Log(10);
            var line = plot.Add.Line(lo, a + fit.Slope * lo, hi, a + fit.Slope * hi);
            line.Color = Colors.Red;
            line.LegendText = $"fit: slope {fit.Slope:0.00} ± {fit.SlopeStandardError:0.00}";
        }
        var ys = points.Select(p => Math.Log10(p.Error)).ToList();
        double ylo = Math.Min(ys.Min(), Math.Log10(0.2) + lo / 2) - 0.1, yhi = Math.Max(ys.Max(), 0) + 0.05;
        plot.Axes.SetLimits(lo, hi, ylo, yhi);
        plot.Axes.Bottom.TickGenerator = PlotFile.LogTicks(lo, hi);
        plot.Axes.Left.TickGenerator = PlotFile.LogTicks(ylo, yhi);
        plot.Title($"Test error vs relative stability R_f ({points.Count} networks; open circles: R_f at initialisation)");
        plot.XLabel("R_f = D_f / G_f (log)");
        plot.YLabel("test error ε (log)");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
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
        using var typeface = SKTypeface.FromFamilyName(FigureStyle.Font) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 12);
        using var titleFont = new SKFont(typeface, 14);
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
