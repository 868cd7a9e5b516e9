using Myopia.IO;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>
/// Saves ScottPlot figures atomically, at one size and in the one <see cref="FigureStyle"/>: a PNG
/// for reports and, next to it, an SVG of the same figure for papers (vector, scales without blur).
/// </summary>
public static class PlotFile
{
    public const int Width = 900;
    public const int Height = 560;

    public static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        FigureStyle.Apply(plot, width);
        AtomicFile.Write(path, temp => plot.SavePng(temp, width, height));
        AtomicFile.Write(SvgPath(path), temp => WithoutDashes(plot, () => plot.SaveSvg(temp, width, height)));
    }

    /// <summary>
    /// Runs <paramref name="save"/> with every line of the plot solid, then restores the patterns:
    /// Skia's SVG backend cannot draw dash patterns (it draws them solid anyway) and says so on
    /// stderr for every dashed line, which would litter the log of every training epoch.
    /// </summary>
    private static void WithoutDashes(Plot plot, Action save)
    {
        var dashed = plot.GetPlottables().OfType<IHasLine>().Where(p => p.LineStyle.Pattern.Intervals is { Length: > 0 })
            .Select(p => (Line: p.LineStyle, Pattern: p.LineStyle.Pattern)).ToList();
        foreach (var (line, _) in dashed) line.Pattern = LinePattern.Solid;
        try { save(); }
        finally
        {
            foreach (var (line, pattern) in dashed) line.Pattern = pattern;
        }
    }

    /// <summary>Where <see cref="Save"/> writes the SVG twin of a PNG figure.</summary>
    public static string SvgPath(string pngPath) => Path.ChangeExtension(pngPath, ".svg");

    /// <summary>Several plots side by side in one PNG (the panels of one figure), each <paramref name="panelWidth"/> wide.</summary>
    public static void SaveRow(IReadOnlyList<Plot> plots, string path, int panelWidth = 560, int height = 460)
    {
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(panelWidth * plots.Count, height));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            FigureStyle.Apply(plots[i], panelWidth);
            using var panel = SkiaSharp.SKBitmap.Decode(plots[i].GetImage(panelWidth, height).GetImageBytes());
            surface.Canvas.DrawBitmap(panel, i * panelWidth, 0);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
        // The SVG twin nests each panel's own SVG at its offset, so the panels stay vector graphics.
        var svg = new System.Text.StringBuilder(
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{panelWidth * plots.Count}\" height=\"{height}\">\n");
        for (int i = 0; i < plots.Count; i++)
        {
            string panel = "";
            WithoutDashes(plots[i], () => panel = plots[i].GetSvgXml(panelWidth, height));
            int open = panel.IndexOf("<svg", StringComparison.Ordinal);
            svg.Append($"<g transform=\"translate({i * panelWidth},0)\">").Append(open >= 0 ? panel[open..] : panel).Append("</g>\n");
        }
        AtomicFile.WriteAllText(SvgPath(path), svg.Append("</svg>\n").ToString());
    }

    /// <summary>Ticks on an axis that shows log10 of its values: 1, 2 and 5 times 10^k over a span of less than
    /// three decades (so that a curve within one decade still has labels), every decade or every few above.</summary>
    public static ScottPlot.TickGenerators.NumericManual LogTicks(double minLog10, double maxLog10)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        static string Label(double value, System.Globalization.CultureInfo inv) =>
            value is >= 1e-3 and < 1e4 ? value.ToString("0.###", inv) : value.ToString("0e0", inv);
        int from = (int)Math.Floor(minLog10), to = (int)Math.Ceiling(maxLog10);
        if (to - from < 1) to = from + 1;
        if (maxLog10 - minLog10 < 3)
        {
            var ticks = new List<Tick>();
            for (int k = from; k <= to; k++)
                foreach (var m in new[] { 1.0, 2.0, 5.0 })
                {
                    double v = Math.Log10(m) + k;
                    if (v >= minLog10 - 1e-9 && v <= maxLog10 + 1e-9) ticks.Add(new Tick(v, Label(m * Math.Pow(10, k), inv)));
                }
            if (ticks.Count >= 2) return new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        }
        int step = Math.Max(1, (to - from + 5) / 6);
        return new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, (to - from) / step + 1)
            .Select(i => from + i * step).Select(k => new Tick(k, Label(Math.Pow(10, k), inv))).ToArray());
    }

    /// <summary>The palette used for one line per model / run (<see cref="FigureStyle.Palette"/>).</summary>
    public static Color Series(int index) => FigureStyle.Series(index);
}
