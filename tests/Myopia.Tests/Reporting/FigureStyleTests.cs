using Myopia.Reporting;
using ScottPlot;

namespace Myopia.Tests.Reporting;

public class FigureStyleTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(1, 7)]
    [InlineData(1, 30)]
    [InlineData(1, 300)]
    [InlineData(0, 99)]
    public void DiscreteAxesGetIntegerTicksOnlyAndNotTooMany(int first, int last)
    {
        var ticks = FigureStyle.IntegerTicks(first, last);
        Assert.NotEmpty(ticks);
        Assert.All(ticks, t => Assert.InRange(t, first, last));
        Assert.InRange(ticks.Length, 1, 11);
        Assert.Equal(ticks.Order(), ticks);
        if (last - first <= 10) Assert.Equal(Enumerable.Range(first, last - first + 1), ticks);
    }

    [Fact]
    public void EpochAxisOfAPlotLabelsIntegersOnly()
    {
        var plot = new Plot();
        FigureStyle.EpochAxis(plot, 3);
        plot.GetImage(400, 300);   // ticks are generated when the plot is laid out
        var ticks = ((ScottPlot.TickGenerators.NumericManual)plot.Axes.Bottom.TickGenerator).Ticks;
        Assert.Equal([1.0, 2.0, 3.0], ticks.Select(t => t.Position));
        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Position), t.Position));
    }

    [Fact]
    public void PaletteHasNoYellowAndEveryColourStandsOutOnWhite()
    {
        static double Luminance(Color c)
        {
            static double Linear(byte v) => v / 255.0 <= 0.03928 ? v / 255.0 / 12.92 : Math.Pow((v / 255.0 + 0.055) / 1.055, 2.4);
            return 0.2126 * Linear(c.R) + 0.7152 * Linear(c.G) + 0.0722 * Linear(c.B);
        }
        Assert.DoesNotContain(FigureStyle.Palette, c => c.ToHex().Equals("#F0E442", StringComparison.OrdinalIgnoreCase));
        // WCAG contrast ratio against white: yellow #F0E442 has 1.3, the palette's lightest colour about 2.2.
        Assert.All(FigureStyle.Palette, c => Assert.True(1.05 / (Luminance(c) + 0.05) >= 2.0, $"{c.ToHex()} is too light on white"));
        Assert.Equal(FigureStyle.Palette.Count, FigureStyle.Palette.Distinct().Count());
    }

    [Fact]
    public void AccuracyAxisStopsAt100AndDrawsChance()
    {
        var plot = new Plot();
        FigureStyle.AccuracyAxis(plot, classes: 10);
        plot.GetImage(400, 300);
        var ticks = ((ScottPlot.TickGenerators.NumericManual)plot.Axes.Left.TickGenerator).Ticks;
        Assert.Equal(100, ticks.Max(t => t.Position));
        Assert.True(plot.Axes.GetLimits().Top <= 101);
        var chance = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalLine>());
        Assert.Equal(10, chance.Y, 1e-9);
    }

    [Fact]
    public void LongTitlesAreBrokenIntoLinesThatFitAndLoseNoWord()
    {
        const string title = "1-D scale detection, task 2: n = 128, xi = 32, H = 128; 162 epochs (zero loss at epoch 12), test error 0.0 %";
        var wrapped = FigureStyle.WrapTitle(title, 900);
        // The title is centred over the data area, which a legend beside it narrows to about 70% of the figure.
        int fits = (int)((900 - 40) * 0.7 / (0.6 * FigureStyle.TitleSize));
        Assert.Contains('\n', wrapped);
        Assert.All(wrapped.Split('\n'), line => Assert.InRange(line.Length, 1, fits));
        Assert.Equal(title.Split(' ', StringSplitOptions.RemoveEmptyEntries), wrapped.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("short title", FigureStyle.WrapTitle("short title", 900));
        // This one ran off the left edge of a 900-pixel figure with its legend outside.
        Assert.Contains('\n', FigureStyle.WrapTitle("Stability along the diagonal: vggsmall (checkpoint.pt), azulay-black (1000 images)", 900));
    }

    [Fact]
    public void EveryFigureIsSavedAsPngAndSvg()
    {
        var dir = Directory.CreateTempSubdirectory("myopia-style-").FullName;
        try
        {
            var plot = new Plot();
            plot.Add.Scatter(new double[] { 1, 2, 3 }, new double[] { 10, 20, 15 });
            var chance = plot.Add.HorizontalLine(10, 1, Colors.Gray, LinePattern.Dashed);
            var png = Path.Combine(dir, "figure.png");
            PlotFile.Save(plot, png);
            // The SVG is drawn with solid lines (Skia cannot dash there); the plot keeps its dashes.
            Assert.Equal(LinePattern.Dashed.Intervals, chance.LineStyle.Pattern.Intervals);
            using var decoded = SkiaSharp.SKBitmap.Decode(png);
            Assert.Equal(PlotFile.Width, decoded.Width);
            var svg = System.Xml.Linq.XDocument.Load(PlotFile.SvgPath(png));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
        }
        finally { Directory.Delete(dir, true); }
    }
}
