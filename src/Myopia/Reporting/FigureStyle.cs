using ScottPlot;

namespace Myopia.Reporting;

/// <summary>
/// The one look of every figure the tool draws: a sans-serif font at sizes that stay legible when a
/// figure is shrunk to one paper column, the Okabe–Ito colour-blind-safe palette without its yellow
/// (invisible on white), integer ticks on discrete axes, accuracy axes from 0 to 100% with the
/// chance level drawn, and legends placed outside the data.
/// </summary>
public static class FigureStyle
{
    /// <summary>Installed with the tool's container (fonts-dejavu); Skia falls back to the default sans font when absent.</summary>
    public const string Font = "DejaVu Sans";

    public const float TitleSize = 17, LabelSize = 15, TickSize = 13, LegendSize = 13;

    /// <summary>Okabe &amp; Ito (2008), "Color Universal Design", in the order used for series; yellow (#F0E442) left out.</summary>
    public static IReadOnlyList<Color> Palette { get; } =
    [
        Color.FromHex("#0072B2"), Color.FromHex("#D55E00"), Color.FromHex("#009E73"), Color.FromHex("#CC79A7"),
        Color.FromHex("#56B4E9"), Color.FromHex("#E69F00"), Color.FromHex("#000000"),
    ];

    /// <summary>Reference lines (chance level, theory curves drawn for orientation): neutral, dashed.</summary>
    public static Color Reference { get; } = Color.FromHex("#666666");

    public static Color Series(int index) => Palette[((index % Palette.Count) + Palette.Count) % Palette.Count];

    /// <summary>Fonts and sizes, and a title too long for <paramref name="width"/> pixels broken into lines; applied by <see cref="PlotFile"/> to every figure just before it is saved.</summary>
    public static void Apply(Plot plot, int width = PlotFile.Width)
    {
        plot.Axes.Title.Label.Text = WrapTitle(plot.Axes.Title.Label.Text, width);
        plot.Font.Set(Font);
        plot.Axes.Title.Label.FontSize = TitleSize;
        plot.Axes.Title.Label.Bold = false;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = LabelSize;
            axis.Label.Bold = false;
            axis.TickLabelStyle.FontSize = TickSize;
        }
        plot.Legend.FontSize = LegendSize;
        // Colour bars are panels, not axes: their label and ticks get the same font here.
        foreach (var bar in plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>())
        {
            bar.LabelStyle.FontName = Font;
            bar.LabelStyle.FontSize = LabelSize;
            bar.LabelStyle.Bold = false;
            bar.Axis.TickLabelStyle.FontName = Font;
            bar.Axis.TickLabelStyle.FontSize = TickSize;
        }
    }

    /// <summary>
    /// A title that fits <paramref name="width"/> pixels at <see cref="TitleSize"/>: each line longer than
    /// that is broken after the last ", ", "; " or ": " that keeps its first part within the width.
    /// </summary>
    public static string WrapTitle(string title, int width)
    {
        // DejaVu Sans averages about 0.6 em per character; a margin for the frame on both sides. The title
        // is centred over the data area, which a legend beside it narrows to about 70% of the figure.
        int fits = Math.Max(20, (int)((width - 40) * 0.7 / (0.6 * TitleSize)));
        var lines = new List<string>();
        foreach (var line in title.Split('\n'))
        {
            var rest = line;
            while (rest.Length > fits)
            {
                int cut = new[] { ", ", "; ", ": ", " (" }.Select(sep => rest.LastIndexOf(sep, fits, StringComparison.Ordinal)).Max();
                // A separator early in the line would leave a short first line: any later space is better.
                if (cut < fits / 2) cut = Math.Max(cut, rest.LastIndexOf(' ', fits));
                if (cut <= 0) break;
                bool keepSeparator = rest[cut] != ' ' && rest[cut] != '(';
                lines.Add(rest[..(cut + (keepSeparator ? 1 : 0))].TrimEnd());
                rest = rest[(cut + 1)..].TrimStart();
            }
            lines.Add(rest);
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Tick positions for a discrete axis from <paramref name="first"/> to <paramref name="last"/>:
    /// integers only, every 1, 2, 5, 10, 20, ... so that at most about ten are labelled.
    /// </summary>
    public static int[] IntegerTicks(int first, int last)
    {
        if (last < first) (first, last) = (last, first);
        int step = Steps().First(s => (last - first) / s <= 10);
        int start = (int)Math.Ceiling(first / (double)step) * step;
        return Enumerable.Range(0, (last - start) / step + 1).Select(i => start + i * step).ToArray();
    }

    private static IEnumerable<int> Steps()
    {
        for (int decade = 1; ; decade *= 10)
        {
            yield return decade;
            yield return 2 * decade;
            yield return 5 * decade;
        }
    }

    /// <summary>An epoch (or any count) axis: integer ticks only, limits half a step beyond the data.</summary>
    public static void EpochAxis(Plot plot, int lastEpoch, string label = "epoch")
    {
        lastEpoch = Math.Max(1, lastEpoch);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            IntegerTicks(1, lastEpoch).Select(t => new Tick(t, t.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.Axes.SetLimitsX(0.5, lastEpoch + 0.5);
        plot.XLabel(label);
    }

    /// <summary>
    /// An accuracy axis in percent from 0 to 100 (nothing can lie above it), with the chance level of
    /// <paramref name="classes"/> balanced classes as a dashed line when the class count is known.
    /// </summary>
    public static void AccuracyAxis(Plot plot, int? classes, string label = "accuracy (%)")
    {
        // Ticks stop at 100; the one-point margin keeps markers at 0% or 100% from being cut by the frame.
        plot.Axes.SetLimitsY(-1, 101);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, 11).Select(i => new Tick(10 * i, (10 * i).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.YLabel(label);
        if (classes is > 1 and var k) ChanceLine(plot, 100.0 / k, $"chance ({100.0 / k:0.#}%, {k} classes)");
    }

    /// <summary>A horizontal dashed line at chance level, in the legend under its own name.</summary>
    public static void ChanceLine(Plot plot, double y, string label)
    {
        var line = plot.Add.HorizontalLine(y, 1.5f, Reference, LinePattern.Dashed);
        line.LegendText = label;
    }

    /// <summary>The legend to the right of the data area, where it cannot hide a point.</summary>
    public static void LegendOutside(Plot plot) => plot.ShowLegend(Edge.Right);

    /// <summary>The legend below the data area, for long labels that would squeeze a legend at the side.</summary>
    public static void LegendBelow(Plot plot) => plot.ShowLegend(Edge.Bottom);
}
