using System.Globalization;
using Myopia.Analysis.DiffeoStudy;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>
/// Figures of the diffeo lab's theory: D_k, G_k and R_k of the idealised pooling networks (spec §7) with
/// the predicted scalings as dashed lines, and the grid-Laplacian spectra of 3 × 3 filters (spec §5c).
/// </summary>
public static class DiffeoTheoryPlots
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// Measured D_k, G_k, R_k (markers) and §7's laws (dashed, through the measured value at
    /// <paramref name="anchorK"/>, default the start of the result's fit range). Stride 1 on log–log axes,
    /// where the laws are straight lines of slope −1, +1/2, −3/2; stride s on semilog-y axes, where they are
    /// straight lines of slope −1, +1, −2 decades of s per layer.
    /// </summary>
    public static void Pooling(IdealPoolingResult result, string path, int? anchorK = null)
    {
        var o = result.Options;
        int anchor = anchorK ?? (result.Diffusing ? result.FitRange().From : Math.Min(2, o.Layers));
        var scaling = PoolingScaling.For(o);
        var (dLine, gLine, rLine) = scaling.Lines(result, anchor);
        double[] k = result.Layers.Select(l => (double)l.K).ToArray();
        double[] x = result.Diffusing ? k.Select(Math.Log10).ToArray() : k;
        var plot = new Plot();
        string Law(double e) => result.Diffusing ? $"k^{e.ToString("+0.##;-0.##", C)}"
            : $"{o.Stride}^({(Math.Abs(e) == 1 ? (e > 0 ? "+" : "-") : e.ToString("+0.##;-0.##", C))}k)";
        var series = new (string Name, double Exponent, double[] Measured, double[] Predicted, MarkerShape Shape)[]
        {
            ("D_k", scaling.D, result.Layers.Select(l => l.Sensitivities.D).ToArray(), dLine, MarkerShape.FilledCircle),
            ("G_k", scaling.G, result.Layers.Select(l => l.Sensitivities.G).ToArray(), gLine, MarkerShape.FilledSquare),
            ("R_k", scaling.R, result.Layers.Select(l => l.Sensitivities.R).ToArray(), rLine, MarkerShape.FilledTriangleUp),
        };
        var all = new List<double>();
        for (int i = 0; i < series.Length; i++)
        {
            var (name, exponent, measured, predicted, shape) = series[i];
            var color = PlotFile.Series(i);
            var m = plot.Add.Scatter(x, measured.Select(Log).ToArray(), color);
            m.LineWidth = 0;
            m.MarkerShape = shape;
            m.MarkerSize = result.Layers.Count > 16 ? 7 : 10;
            m.LegendText = $"{name} measured";
            var p = plot.Add.Scatter(x, predicted.Select(Log).ToArray(), color);
            p.MarkerSize = 0;
            p.LineWidth = 2;
            p.LinePattern = LinePattern.Dashed;
            p.LegendText = $"{name} predicted ∝ {Law(exponent)}";
            all.AddRange(measured.Concat(predicted));
        }
        var finite = all.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToList();
        double lo = Math.Floor(finite.Min() * 2) / 2 - 0.25, hi = Math.Ceiling(finite.Max() * 2) / 2 + 0.25;
        plot.Axes.SetLimitsY(lo, hi);
        plot.Axes.Left.TickGenerator = LogTicks(lo, hi);
        if (result.Diffusing)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, 12).Select(e => 1 << e).Where(v => v <= o.Layers).Select(v => new Tick(Math.Log10(v), v.ToString(C))).ToArray());
            plot.Axes.SetLimitsX(-0.05, Math.Log10(o.Layers) + 0.05);
            plot.XLabel("layer k (log scale)");
        }
        else
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
            plot.Axes.SetLimitsX(0.5, o.Layers + 0.5);
            plot.XLabel("layer k");
        }
        plot.YLabel("D_k, G_k, R_k (log scale)");
        plot.Title($"Idealised pooling net: F = {o.Filter}, stride {o.Stride}, n = {o.Inputs} one-hot inputs (dashed: §7, through k = {anchor})");
        // Lower left is empty in both: every curve starts near 1 at k = 1.
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }

    /// <summary>
    /// Energy per distinct eigenvalue of the 3 × 3 grid Laplacian (degenerate eigenvectors summed), one row
    /// per layer in forward order, normalised to sum 1 per layer, as a heat map with the values written in
    /// the cells. With <paramref name="init"/> the initial filters stand on the left, the trained on the right.
    /// </summary>
    public static void FilterSpectra(IReadOnlyList<LayerSpectrum> trained, string title, string path, IReadOnlyList<LayerSpectrum>? init = null)
    {
        if (trained.Count == 0) throw new ArgumentException("no layer to plot", nameof(trained));
        if (init is not null && !init.Select(s => s.Path).SequenceEqual(trained.Select(s => s.Path)))
            throw new ArgumentException("init and trained spectra must list the same layers in the same order", nameof(init));
        var eigen = GridLaplacian.Distinct.Select(d => d.Eigenvalue).ToArray();
        int g = eigen.Length, rows = trained.Count;
        var blocks = init is null ? new[] { ("trained", trained) } : new[] { ("init", init), ("trained", trained) };
        int columns = blocks.Length * g + (blocks.Length - 1);   // one empty column between blocks
        var values = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) values[i, j] = double.NaN;
        var ticks = new List<Tick>();
        for (int b = 0; b < blocks.Length; b++)
        {
            var (name, spectra) = blocks[b];
            for (int i = 0; i < rows; i++)
            {
                var energy = spectra[i].ToNormalised().EnergyPerEigenvalue;
                for (int e = 0; e < g; e++) values[i, b * (g + 1) + e] = energy[e];
            }
            // Degenerate eigenvalues carry the summed energy of their eigenvectors: say how many.
            for (int e = 0; e < g; e++)
            {
                int multiplicity = GridLaplacian.Distinct[e].Multiplicity;
                ticks.Add(new Tick(b * (g + 1) + e, multiplicity > 1 ? $"λ={eigen[e]:0} (x{multiplicity})" : $"λ={eigen[e]:0}"));
            }
        }
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        map.NaNCellColor = Colors.Transparent;
        var bar = plot.Add.ColorBar(map);
        bar.Label = "fraction of the layer's filter energy";
        if (rows <= 30)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                {
                    if (double.IsNaN(values[i, j])) continue;
                    var text = plot.Add.Text(values[i, j].ToString("0.00", C), j, rows - 1 - i);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontSize = 11;
                    text.LabelFontColor = values[i, j] > 0.6 ? Colors.Black : Colors.White;
                }
        if (blocks.Length > 1)
            for (int b = 0; b < blocks.Length; b++)
            {
                var header = plot.Add.Text(blocks[b].Item1 == "init" ? "initial filters" : "trained filters", b * (g + 1) + (g - 1) / 2.0, rows - 0.5 + 0.3);
                header.LabelAlignment = Alignment.MiddleCenter;
                header.LabelFontSize = 14;
                header.LabelBold = true;
            }
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5 + (blocks.Length > 1 ? 0.6 : 0));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        // ScottPlot draws row 0 of the array at the top: label the rows top-down.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            trained.Select((s, i) => new Tick(rows - 1 - i, s.Path)).ToArray());
        plot.Title(title);
        plot.XLabel("grid-Laplacian eigenvalue (λ = 0: constant filter, 6: checkerboard)");
        PlotFile.Save(plot, path, Math.Max(700, 72 * columns + 300), Math.Max(420, 190 + 34 * rows));
    }

    private static double Log(double v) => v > 0 ? Math.Log10(v) : double.NaN;

    /// <summary>Ticks on a log10 axis: every decade, plus 2 and 5 when fewer than four decades are shown.</summary>
    private static ScottPlot.TickGenerators.NumericManual LogTicks(double lo, double hi)
    {
        var ticks = new List<Tick>();
        bool fine = hi - lo < 4;
        for (int e = (int)Math.Floor(lo); e <= (int)Math.Ceiling(hi); e++)
            foreach (var m in fine ? new[] { 1, 2, 5 } : new[] { 1 })
            {
                double v = m * Math.Pow(10, e), at = Math.Log10(v);
                if (at < lo || at > hi) continue;
                ticks.Add(new Tick(at, v.ToString(e is >= -4 and <= 3 ? "0.####" : "0e0", C)));
            }
        return new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
    }
}
