using Myopia.Evaluation;
using Myopia.Training;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>The figures of a training run: accuracy and loss per epoch, and the confusion matrix.</summary>
public static class TrainingPlots
{
    /// <summary>Accuracy per epoch, test and train, on a 0-100% axis with the chance level of <paramref name="classes"/> when known.</summary>
    public static void Curves(IReadOnlyList<EpochMetrics> history, string title, string path, int? classes = null)
    {
        var plot = new Plot();
        void Line(IReadOnlyList<EpochMetrics> rows, double[] ys, string label, int color, bool dashed)
        {
            var s = plot.Add.Scatter(rows.Select(h => (double)h.Epoch).ToArray(), ys, PlotFile.Series(color));
            s.LegendText = label;
            s.LineWidth = 2;
            if (dashed) s.LinePattern = LinePattern.Dashed;
        }
        // Epochs skipped by --eval-every have no test figures; the test curve joins the evaluated ones.
        var evaluated = history.Where(h => h.Evaluated).ToList();
        Line(evaluated, evaluated.Select(h => 100 * h.TestAcc).ToArray(), "test accuracy (full images)", 0, false);
        Line(history, history.Select(h => 100 * h.TrainAcc).ToArray(), "train accuracy (training crops)", 1, true);
        plot.Title(title);
        FigureStyle.EpochAxis(plot, history.Count == 0 ? 1 : history.Max(h => h.Epoch));
        FigureStyle.AccuracyAxis(plot, classes);
        FigureStyle.LegendBelow(plot);
        PlotFile.Save(plot, path);
    }

    public static void Confusion(EvaluationResult result, string title, string path) =>
        PlotFile.Save(ConfusionPlot(result, title), path, 780, 720);

    /// <summary>The row-normalised confusion matrix: class names for up to 20 classes, integer class indices beyond.</summary>
    public static Plot ConfusionPlot(EvaluationResult result, string title)
    {
        int k = result.ClassNames.Count;
        var values = new double[k, k];
        for (int t = 0; t < k; t++)
        {
            double row = Math.Max(1, result.ConfusionMatrix[t].Sum());
            for (int p = 0; p < k; p++) values[t, p] = result.ConfusionMatrix[t][p] / row;
        }
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.FlipVertically = true;
        // Rows sum to 1: a fixed 0-1 scale makes matrices of different runs comparable.
        map.ManualRange = new ScottPlot.Range(0, 1);
        var bar = plot.Add.ColorBar(map);
        bar.Label = "fraction of the row (true class)";
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, 6).Select(i => new Tick(0.2 * i, (0.2 * i).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        if (k <= 20)
        {
            var ticks = Enumerable.Range(0, k).Select(i => new Tick(i, result.ClassNames[i])).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, k).Select(i => new Tick(k - 1 - i, result.ClassNames[i])).ToArray());
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperLeft;
            // Room for the longest rotated name, so that it is not clipped and the axis title sits below it.
            int longest = result.ClassNames.Max(n => n.Length);
            plot.Axes.Bottom.MinimumSize = 30 + 7 * longest;
            plot.Axes.Left.MinimumSize = 20 + 8 * longest;
        }
        else
        {
            // Many classes: class indices at integer ticks (names would overlap), rows top-down.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                FigureStyle.IntegerTicks(0, k - 1).Select(i => new Tick(i, i.ToString())).ToArray());
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                FigureStyle.IntegerTicks(0, k - 1).Select(i => new Tick(k - 1 - i, i.ToString())).ToArray());
        }
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.Title(title);
        plot.XLabel(k <= 20 ? "predicted class" : "predicted class (index)");
        plot.YLabel(k <= 20 ? "true class" : "true class (index)");
        return plot;
    }

    /// <summary>Bars of accuracy per labelled group (e.g. per training setting of a demo).</summary>
    public static void AccuracyBars(IReadOnlyList<(string Label, double Accuracy)> bars, string title, string path, int? classes = null)
    {
        var plot = new Plot();
        var items = bars.Select((b, i) => new Bar { Position = i, Value = 100 * b.Accuracy, FillColor = PlotFile.Series(i), Label = $"{100 * b.Accuracy:F1}" }).ToArray();
        var series = plot.Add.Bars(items);
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            bars.Select((b, i) => new Tick(i, b.Label)).ToArray());
        plot.Axes.Margins(bottom: 0);
        FigureStyle.AccuracyAxis(plot, classes, "test accuracy on full images (%)");
        plot.Title(title);
        PlotFile.Save(plot, path);
    }
}
