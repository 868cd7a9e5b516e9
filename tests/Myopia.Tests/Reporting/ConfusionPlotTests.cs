using Myopia.Evaluation;
using Myopia.Reporting;

namespace Myopia.Tests.Reporting;

public class ConfusionPlotTests
{
    private static EvaluationResult Diagonal(int k) => new("full", 10 * k, 0.1, 1, 1, Enumerable.Repeat(1.0, k).ToArray(),
        Enumerable.Range(0, k).Select(t => Enumerable.Range(0, k).Select(p => p == t ? 10 : 0).ToArray()).ToArray(),
        Enumerable.Range(0, k).Select(c => $"class{c}").ToArray(), 1);

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void AxesEndAtTheMatrixAndTicksAreWholeClasses(int k)
    {
        var plot = TrainingPlots.ConfusionPlot(Diagonal(k), "test");
        plot.GetImage(780, 720);
        var limits = plot.Axes.GetLimits();
        Assert.Equal(-0.5, limits.Left, 1e-9);
        Assert.Equal(k - 0.5, limits.Right, 1e-9);
        Assert.Equal(-0.5, limits.Bottom, 1e-9);
        Assert.Equal(k - 0.5, limits.Top, 1e-9);
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            var ticks = axis.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();
            Assert.InRange(ticks.Length, 2, k <= 20 ? k : 11);
            Assert.All(ticks, t => Assert.Equal(Math.Round(t.Position), t.Position));
            Assert.All(ticks, t => Assert.InRange(t.Position, 0, k - 1));
        }
        // The colour bar is labelled and spans the fixed 0-1 scale of row fractions.
        var bar = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>());
        Assert.Equal(new ScottPlot.Range(0, 1), bar.ManualRange);
        Assert.Contains(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>(), c => c.Label.Contains("fraction"));
    }
}
