using System.Globalization;
using Myopia.Analysis.DiffeoStudy.ScaleDetection1d;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>
/// The 1-D scale-detection figure ([P2] Fig. 7): D_k and G_k (log scale) against the block k, at initialisation
/// (dashed) and after training (solid), with the block where the receptive field 2^k reaches ξ marked.
/// </summary>
public static class ScaleDetectionPlots
{
    public const string FileName = "scale1d.png";

    public static void Write(ScaleDetection1dResult result, string path)
    {
        var plot = new Plot();
        var o = result.Options;
        var blocks = result.Blocks;
        double[] k = blocks.Select(b => (double)b.Block).ToArray();
        void Line(Func<BlockSensitivities, double> value, string label, int color, LinePattern pattern)
        {
            // Log scale by hand (ScottPlot 5 plots the logarithm); zeros (a constant representation) are left out.
            var points = blocks.Select(b => (b.Block, V: value(b))).Where(p => p.V > 0 && double.IsFinite(p.V)).ToList();
            var line = plot.Add.Scatter(points.Select(p => (double)p.Block).ToArray(), points.Select(p => Math.Log10(p.V)).ToArray(), PlotFile.Series(color));
            line.LegendText = label;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LinePattern = pattern;
        }
        Line(b => b.Trained.D, "D_k trained", 0, LinePattern.Solid);
        Line(b => b.Trained.G, "G_k trained", 1, LinePattern.Solid);
        Line(b => b.Init.D, "D_k init", 0, LinePattern.Dashed);
        Line(b => b.Init.G, "G_k init", 1, LinePattern.Dashed);
        double receptive = Math.Log2(o.Xi);
        var mark = plot.Add.VerticalLine(receptive, 1, Colors.Gray, LinePattern.Dotted);
        mark.LegendText = $"receptive field 2^k = xi = {o.Xi}";

        var values = blocks.SelectMany(b => new[] { b.Init.D, b.Init.G, b.Trained.D, b.Trained.G }).Where(v => v > 0 && double.IsFinite(v)).ToList();
        int low = (int)Math.Floor(Math.Log10(values.DefaultIfEmpty(0.1).Min())), high = (int)Math.Ceiling(Math.Log10(values.DefaultIfEmpty(10).Max()));
        if (high <= low) high = low + 1;
        plot.Axes.SetLimitsY(low - 0.05, high + 0.05);
        plot.Axes.SetLimitsX(-0.3, blocks[^1].Block + 0.3);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(low, high - low + 1).Select(e => new Tick(e, Power(e))).ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            blocks.Select(b => new Tick(b.Block, b.Block == 0 ? "input" : b.Block.ToString(CultureInfo.InvariantCulture))).ToArray());
        string zero = result.Training.ZeroLossEpoch is { } z ? $"zero loss at epoch {z}" : "training loss never reached 0";
        plot.Title($"1-D scale detection, task {o.Task}: n = {o.Length}, xi = {o.Xi}, H = {o.Width}; {result.Training.Epochs} epochs ({zero}), " +
                   $"test error {result.Training.TestError.ToString("P1", CultureInfo.InvariantCulture)}", size: 13);
        plot.XLabel("block k");
        plot.YLabel("D_k, G_k (log scale; channel-averaged activations)");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }

    private static string Power(int e) => e switch { 0 => "1", 1 => "10", -1 => "0.1", _ => $"1e{e}" };
}
