using Myopia.Analysis.ShiftStudy;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>
/// The shift lab's figures: P(top-1 change), MAC and accuracy against Azulay's scale s (the U-shape);
/// p_true and accuracy against the offset, baseline and antialiased in one plot; per-image p_true rows
/// (Azulay's heat map); consistency against accuracy (Zhang's plot).
/// </summary>
public static class ShiftPlots
{
    /// <summary>Writes the figures the result has data for; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ShiftResult result, string title, string outDir)
    {
        var written = new List<string>();
        var models = result.Measurements.Select(m => (m.Model, m.Antialias)).Distinct().ToList();
        var sequences = result.Measurements.Where(m => m.Kind == "sequence").ToList();
        if (sequences.Select(m => m.Condition).Distinct().Count() > 1)
        {
            var path = Path.Combine(outDir, "shift-size-sweep.png");
            SizeSweep(sequences, models, title, path);
            written.Add(path);
        }
        if (sequences.Count > 0)
        {
            var path = Path.Combine(outDir, "shift-stability.png");
            Stability(sequences, title, path);
            written.Add(path);
            foreach (var (model, _) in models)
            {
                var main = sequences.Where(m => m.Model == model).OrderByDescending(m => m.PChange).FirstOrDefault();
                // Per-image rows are not kept in shift.json: a result read back from it has none to draw.
                if (main?.Rows is not { Count: > 0 }) continue;
                var rowsPath = Path.Combine(outDir, $"shift-rows-{model}.png");
                Rows(main, $"p_true per image, {model}, {main.Condition}", rowsPath);
                written.Add(rowsPath);
            }
        }
        var pairs = result.Measurements.Where(m => m.Kind == "pairs").ToList();
        if (pairs.Count > 0)
        {
            var path = Path.Combine(outDir, "shift-consistency.png");
            Consistency(pairs, result.Measurements.Where(m => m.Kind == "grid").ToList(), title, path);
            written.Add(path);
        }
        return written;
    }

    private static LinePattern Pattern(int antialias) => antialias == 0 ? LinePattern.Solid : LinePattern.Dashed;

    public static void SizeSweep(IReadOnlyList<ShiftMeasurement> sequences, IReadOnlyList<(string Model, int Antialias)> models, string title, string path)
    {
        var plot = new Plot();
        foreach (var (model, antialias) in models)
        {
            var points = sequences.Where(m => m.Model == model).OrderBy(m => m.Scale).ToList();
            double[] s = points.Select(m => m.Scale).ToArray();
            void Line(double[] ys, string label, int color)
            {
                var line = plot.Add.Scatter(s, ys, PlotFile.Series(color));
                line.LegendText = $"{label} ({model})";
                line.LineWidth = 2;
                line.MarkerSize = 8;
                line.LinePattern = Pattern(antialias);
            }
            Line(points.Select(m => m.PChange).ToArray(), "P(top-1 change)", 3);
            Line(points.Select(m => m.Mac).ToArray(), "MAC", 1);
            Line(points.Select(m => m.Accuracy).ToArray(), "accuracy", 2);
        }
        var crop = plot.Add.VerticalLine(1.15, 1, Colors.Gray, LinePattern.Dotted);
        crop.LegendText = "crop (left) | embedding (right)";
        plot.Axes.SetLimitsY(0, 1);
        plot.Title($"Size sweep: {title}");
        plot.XLabel("scale s (crop area fraction <= 1, embedding ratio side/d > 1)");
        plot.YLabel("fraction");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }

    public static void Stability(IReadOnlyList<ShiftMeasurement> sequences, string title, string path)
    {
        var plot = new Plot();
        // The condition with the largest P(change) when there are many (size sweep), else all.
        var conditions = sequences.Select(m => m.Condition).Distinct().ToList();
        if (conditions.Count > 3)
            conditions = sequences.GroupBy(m => m.Condition).OrderByDescending(g => g.Max(m => m.PChange)).Take(2).Select(g => g.Key).ToList();
        int color = 0;
        foreach (var condition in conditions)
        {
            foreach (var m in sequences.Where(m => m.Condition == condition).OrderBy(m => m.Antialias))
            {
                var line = plot.Add.Scatter(m.Offsets, m.PTrue, PlotFile.Series(color));
                line.LegendText = $"p_true, {m.Model}, {condition}";
                line.LineWidth = 2;
                line.MarkerSize = 6;
                line.LinePattern = Pattern(m.Antialias);
                var acc = plot.Add.Scatter(m.Offsets, m.Correct, PlotFile.Series(color));
                acc.LegendText = $"accuracy, {m.Model}";
                acc.LineWidth = 1;
                acc.MarkerSize = 3;
                acc.LinePattern = LinePattern.Dotted;
                color++;
            }
        }
        plot.Axes.SetLimitsY(0, 1);
        double span = sequences.SelectMany(m => m.Offsets).DefaultIfEmpty(0).Max() - sequences.SelectMany(m => m.Offsets).DefaultIfEmpty(0).Min();
        if (span <= 40) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(span <= 20 ? 1 : 2);
        plot.Title($"Stability along the diagonal: {title}");
        plot.XLabel("diagonal offset t (pixels)");
        plot.YLabel("mean p_true / accuracy");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }

    /// <summary>Azulay's heat map: one row per image (at most 60, the first ones), one column per offset, colour = p_true.</summary>
    public static void Rows(ShiftMeasurement m, string title, string path)
    {
        int n = Math.Min(60, m.Rows.Count), t = m.Offsets.Length;
        var values = new double[n, t];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < t; j++) values[i, j] = m.Rows[i][j];
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        map.FlipVertically = true;
        plot.Add.ColorBar(map).Label = "p_true (probability of the true class)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, t).Select(j => new Tick(j, m.Offsets[j].ToString("0"))).ToArray());
        plot.Title(title);
        plot.XLabel("offset (pixels)");
        plot.YLabel($"image ({n} shown)");
        PlotFile.Save(plot, path, 700, 760);
    }

    /// <summary>
    /// Zhang's plot for post-hoc antialiasing: consistency (y) against accuracy (x), the model as given
    /// (a black diamond) and one point per BlurPool filter size of its surgery copies, joined in filter
    /// order and labelled "m=…". The legend gives each point's figures and the grid's worst case.
    /// </summary>
    public static void Consistency(IReadOnlyList<ShiftMeasurement> pairs, IReadOnlyList<ShiftMeasurement> grids, string title, string path)
    {
        var plot = new Plot();
        string Legend(ShiftMeasurement m)
        {
            var grid = grids.FirstOrDefault(g => g.Model == m.Model);
            return $"{100 * m.Consistency:F1}% consistent, {100 * m.Accuracy:F1}% accurate" + (grid is null ? "" : $", {100 * grid.WorstCase:F1}% change for some offset");
        }
        var copies = pairs.Where(m => m.Antialias > 0).OrderBy(m => m.Antialias).ToList();
        if (copies.Count > 1)
        {
            var path2 = plot.Add.Scatter(copies.Select(m => 100 * m.Accuracy).ToArray(), copies.Select(m => 100 * (m.Consistency ?? double.NaN)).ToArray(), PlotFile.Series(0));
            path2.LineWidth = 1.5f;
            path2.MarkerSize = 0;
            path2.LinePattern = LinePattern.Dashed;
        }
        // Copies first, the model as given last (on top); a copy that lands exactly on it (m = 1, the identity filter) shares its label.
        var asGiven = pairs.FirstOrDefault(m => m.Antialias == 0);
        bool Same(ShiftMeasurement a, ShiftMeasurement b) => a.Accuracy == b.Accuracy && a.Consistency == b.Consistency;
        foreach (var m in pairs.OrderBy(m => m.Antialias == 0 ? 1 : 0).ThenBy(m => m.Antialias))
        {
            bool baseline = m.Antialias == 0;
            var marker = plot.Add.Marker(100 * m.Accuracy, 100 * (m.Consistency ?? double.NaN), baseline ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle,
                baseline ? 16 : 11, baseline ? Colors.Black : PlotFile.Series(0));
            marker.LegendText = (baseline ? "as given: " : $"BlurPool m={m.Antialias} surgery: ") + Legend(m);
            if (!baseline && asGiven is not null && Same(m, asGiven)) continue;
            var twins = baseline ? pairs.Where(c => c.Antialias > 0 && Same(c, m)).Select(c => $"m={c.Antialias}").ToList() : [];
            var label = plot.Add.Text(baseline ? "as given" + string.Concat(twins.Select(t => $" = {t}")) : $"m={m.Antialias}", 100 * m.Accuracy, 100 * (m.Consistency ?? double.NaN));
            label.LabelFontSize = 13;
            label.LabelBold = baseline;
            label.LabelAlignment = Alignment.LowerLeft;
            label.OffsetX = 7;
            label.OffsetY = -5;
        }
        FitAxes(plot, pairs.Select(m => 100 * m.Accuracy).ToList(), pairs.Select(m => 100 * (m.Consistency ?? double.NaN)).ToList(), [], []);
        plot.Title($"Consistency vs accuracy: {title}");
        plot.XLabel("accuracy on the first view of each pair (%)");
        plot.YLabel("consistency (%)");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path, 1350, 640);
    }

    /// <summary>
    /// Zhang's plot across trained models (<c>myopia shift scatter</c>): per group the mean of the metric
    /// (consistency, or P(top-1 change)) against mean accuracy, with ± one standard deviation over seeds
    /// as error bars both ways, labelled by filter size; models without a BlurPool are black diamonds.
    /// </summary>
    public static void Scatter(ShiftScatterResult result, string title, string path)
    {
        var plot = new Plot();
        bool consistency = result.Metric == "consistency";
        var xs = new List<double>();
        var ys = new List<double>();
        var xe = new List<double>();
        var ye = new List<double>();
        var bars = new List<(double X1, double Y1, double X2, double Y2, Color Color, bool Horizontal)>();
        // Groups that differ only in filter size share a colour and a dashed path in filter order.
        var families = result.Groups.GroupBy(g => (g.Architecture, g.Downsampling, g.Pad, g.PadMode)).ToList();
        for (int f = 0; f < families.Count; f++)
        {
            var members = families[f].OrderBy(g => g.Antialias).ToList();
            var color = PlotFile.Series(f);
            // The plain family (plain subsampling, no translation padding) is the reference: its model without BlurPool is black.
            bool plainFamily = families[f].Key.Downsampling != "aps" && (families[f].Key.Pad ?? 0) == 0;
            if (members.Count > 1)
            {
                var line = plot.Add.Scatter(members.Select(g => 100 * g.AccuracyMean).ToArray(), members.Select(g => Y(g.MetricMean)).ToArray(), color);
                line.LineWidth = 1;
                line.MarkerSize = 0;
                line.LinePattern = LinePattern.Dotted;
            }
            // Filter sizes first, the family's model without BlurPool last (on top); a group landing exactly on it (m = 1) shares its label.
            var reference0 = members.FirstOrDefault(g => g.Antialias == 0);
            bool Same(ShiftScatterGroup a, ShiftScatterGroup b) => a.AccuracyMean == b.AccuracyMean && a.MetricMean == b.MetricMean;
            foreach (var g in members.OrderBy(g => g.Antialias == 0 ? 1 : 0).ThenBy(g => g.Antialias))
            {
                double x = 100 * g.AccuracyMean, y = Y(g.MetricMean), dx = 100 * g.AccuracyStd, dy = 100 * g.MetricStd;
                bool reference = plainFamily && g.Antialias == 0;
                var pointColor = reference ? Colors.Black : color;
                if (dx > 0) Bar(x - dx, y, x + dx, y, pointColor, horizontal: true);
                if (dy > 0) Bar(x, y - dy, x, y + dy, pointColor, horizontal: false);
                var shape = g.Antialias > 0 ? MarkerShape.FilledCircle : reference ? MarkerShape.FilledDiamond : MarkerShape.FilledSquare;
                var marker = plot.Add.Marker(x, y, shape, g.Antialias == 0 ? 15 : 11, pointColor);
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                string what = consistency ? "consistency" : "P(change)";
                marker.LegendText = g.Count > 1
                    ? string.Create(inv, $"{g.Label} (n={g.Count}): {what} {y:F1} ± {dy:F1}%, accuracy {x:F1} ± {dx:F1}%")
                    : string.Create(inv, $"{g.Label} (n=1): {what} {y:F1}%, accuracy {x:F1}%");
                xs.Add(x); ys.Add(y); xe.Add(dx); ye.Add(dy);
                if (g.Antialias > 0 && reference0 is not null && Same(g, reference0)) continue;
                var twins = g.Antialias == 0 ? members.Where(o => o.Antialias > 0 && Same(o, g)).Select(o => $"m={o.Antialias}").ToList() : [];
                var text = plot.Add.Text(g.Label + string.Concat(twins.Select(t => $" = {t}")), x, y);
                text.LabelFontSize = 13;
                text.LabelBold = g.Antialias == 0;
                text.LabelFontColor = pointColor;
                text.LabelAlignment = Alignment.LowerLeft;
                text.OffsetX = 7;
                text.OffsetY = -5;
            }
        }
        FitAxes(plot, xs, ys, xe, ye);
        // Caps: short perpendicular ticks, 1.2% of the other axis's span, drawn once the limits are known.
        var limits = plot.Axes.GetLimits();
        foreach (var (x1, y1, x2, y2, c, horizontal) in bars)
        {
            double cap = 0.012 * (horizontal ? limits.Top - limits.Bottom : limits.Right - limits.Left);
            foreach (var (cx, cy) in new[] { (x1, y1), (x2, y2) })
            {
                var t = horizontal ? plot.Add.Line(cx, cy - cap, cx, cy + cap) : plot.Add.Line(cx - cap, cy, cx + cap, cy);
                t.LineColor = c;
                t.LineWidth = 1.5f;
            }
        }
        plot.Title($"{(consistency ? "Consistency" : "P(top-1 change)")} vs accuracy over trained models: {title}");
        plot.XLabel("accuracy (%), mean ± std over seeds");
        plot.YLabel(consistency ? "consistency (%), mean ± std" : "P(top-1 change) (%), mean ± std");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path, 1350, 640);

        double Y(double v) => 100 * v;
        void Bar(double x1, double y1, double x2, double y2, Color c, bool horizontal)
        {
            var l = plot.Add.Line(x1, y1, x2, y2);
            l.LineColor = c;
            l.LineWidth = 1.5f;
            bars.Add((x1, y1, x2, y2, c, horizontal));
        }
    }

    /// <summary>Limits around the points and their bars with a margin (labels sit up and right of the points), so points at 0 or 100% stay visible.</summary>
    private static void FitAxes(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, IReadOnlyList<double> xErr, IReadOnlyList<double> yErr)
    {
        double E(IReadOnlyList<double> e, int i) => i < e.Count ? e[i] : 0;
        var ok = Enumerable.Range(0, xs.Count).Where(i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])).ToList();
        if (ok.Count == 0) { plot.Axes.SetLimits(0, 100, 0, 100); return; }
        double x0 = ok.Min(i => xs[i] - E(xErr, i)), x1 = ok.Max(i => xs[i] + E(xErr, i));
        double y0 = ok.Min(i => ys[i] - E(yErr, i)), y1 = ok.Max(i => ys[i] + E(yErr, i));
        double mx = Math.Max(1.5, 0.12 * (x1 - x0)), my = Math.Max(1.5, 0.12 * (y1 - y0));
        plot.Axes.SetLimits(x0 - mx, x1 + 2.5 * mx, y0 - my, y1 + 2 * my);
    }
}

/// <summary>The internal shift distance: CSV, JSON and a layers x shifts heat map per model.</summary>
public static class InternalShiftWriter
{
    public static IReadOnlyList<string> Write(InternalShiftResult result, Myopia.Classifiers.Classifier classifier, string outDir)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var csv = new System.Text.StringBuilder("model,antialias,layer,type,stride," + string.Join(',', result.Shifts.Select(s => $"shift_{s}")) + "\n");
        foreach (var l in result.Layers)
            csv.Append(string.Join(',', l.Model, l.Antialias, l.Layer, l.Type, double.IsInfinity(l.Stride) ? "global" : l.Stride.ToString("G4", inv)))
                .Append(',').Append(string.Join(',', l.Distance.Select(d => d.ToString("G6", inv)))).Append('\n');
        Myopia.IO.AtomicFile.WriteAllText(Path.Combine(outDir, "internal-shift.csv"), csv.ToString());
        Myopia.IO.JsonOutput.WriteFile(Path.Combine(outDir, "internal-shift.json"), new { model = classifier.Card.Source, headline = result.Headline(), result });
        var written = new List<string>();
        double max = Math.Max(1e-6, result.Layers.SelectMany(l => l.Distance).Max());
        foreach (var group in result.Layers.GroupBy(l => l.Model))
        {
            var rows = group.ToList();
            var values = new double[rows.Count, result.Shifts.Length];
            for (int i = 0; i < rows.Count; i++)
                for (int j = 0; j < result.Shifts.Length; j++) values[i, j] = rows[i].Distance[j];
            var plot = new Plot();
            var map = plot.Add.Heatmap(values);
            map.Colormap = new ScottPlot.Colormaps.Viridis();
            map.ManualRange = new ScottPlot.Range(0, max);
            var bar = plot.Add.ColorBar(map);
            bar.Label = "cosine distance";
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                result.Shifts.Select((s, j) => new Tick(j, $"({s},{s})")).ToArray());
            // ScottPlot draws row 0 of the array at the top: label the rows top-down.
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(rows.Select((l, i) =>
                new Tick(rows.Count - 1 - i, $"{l.Layer} {l.Type} /{(double.IsInfinity(l.Stride) ? "g" : l.Stride.ToString("0.#", inv))}")).ToArray());
            plot.Title($"Internal shift distance: {classifier.Card.Architecture}, {group.Key} ({result.Images} images)");
            plot.XLabel("circular input shift");
            var path = Path.Combine(outDir, $"internal-shift-{group.Key}.png");
            PlotFile.Save(plot, path, 900, Math.Max(500, 130 + 24 * rows.Count));
            written.Add(path);
        }
        return written;
    }
}
