using Myopia.Analysis.TileStudy;
using ScottPlot;

namespace Myopia.Reporting;

/// <summary>The tile study's figures: the err(t) curve, and test error against tile size.</summary>
public static class TileStudyPlots
{
    public static void PatchErrorCurve(PatchErrorCurve curve, string path)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(curve.T, curve.Err, PlotFile.Series(0));
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = $"err(t), {curve.Parameters.Name}";
        var min = plot.Add.Marker(curve.TMin, curve.ErrMin, MarkerShape.FilledCircle, 9, PlotFile.Series(3));
        min.LegendText = $"minimum {curve.ErrMin:F3} at t = {curve.TMin:F1}";
        plot.Axes.SetLimits(0, curve.Parameters.H, 0, 1);
        plot.Title($"Patch error model, {curve.Parameters.Name} (h={curve.Parameters.H}, N={curve.Parameters.N:N0}, k={curve.Parameters.K}, s={curve.Parameters.S})");
        plot.XLabel("tile side t (pixels)");
        plot.YLabel("predicted test error");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }

    /// <summary>
    /// Test error (1 - accuracy) against tile size: one line per series with its mean and an error bar
    /// from Low to High; the full-image setting is drawn at t = image side. The err(t) curve, when
    /// given, is a model of one training-set size with its own scale: it goes on the right-hand axis so
    /// that its absolute values are not read against the measured errors, only its shape and minimum.
    /// </summary>
    public static void ErrorVersusTile(IReadOnlyList<(string Label, double[] Tiles, double[] Mean, double[] Low, double[] High)> series,
        PatchErrorCurve? theory, string title, int imageSide, string path)
    {
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = PlotFile.Series(i);
            // Mode B points sit a pixel to the right so that their error bars do not cover mode A's.
            double offset = series.Count > 1 ? (i - (series.Count - 1) / 2.0) * 0.35 : 0;
            var x = s.Tiles.Select(t => t + offset).ToArray();
            var line = plot.Add.Scatter(x, s.Mean, color);
            line.LegendText = s.Label;
            line.LineWidth = 2;
            line.MarkerSize = 9;
            line.MarkerShape = i % 2 == 0 ? MarkerShape.FilledCircle : MarkerShape.FilledSquare;
            for (int j = 0; j < s.Tiles.Length; j++)
                if (s.High[j] > s.Low[j])
                {
                    var bar = plot.Add.Line(x[j], s.Low[j], x[j], s.High[j]);
                    bar.Color = color;
                    bar.LineWidth = 2;
                }
        }
        if (theory is not null)
        {
            var curve = plot.Add.Scatter(theory.T, theory.Err, FigureStyle.Reference);
            curve.MarkerSize = 0;
            curve.LineWidth = 1.5f;
            curve.LinePattern = LinePattern.Dashed;
            curve.Axes.YAxis = plot.Axes.Right;
            string n = theory.Parameters.Name.Contains("N =") ? "" : $", N = {theory.Parameters.N:N0}";
            curve.LegendText = $"err(t) model ({theory.Parameters.Name}{n}; right axis), minimum at t = {theory.TMin:F1}";
            plot.Axes.Right.Label.Text = "err(t) model: predicted error";
            plot.Axes.SetLimitsY(-0.02, 1.02, plot.Axes.Right);
        }
        // A little room beyond 0 and 1 so that points at the limits are not cut in half.
        plot.Axes.SetLimitsY(-0.02, 1.02);
        plot.Axes.SetLimitsX(0, imageSide + imageSide / 16.0);
        // Ticks every few pixels, the image side named as the full-image point.
        int step = imageSide <= 32 ? 4 : imageSide <= 64 ? 8 : 16;
        var ticks = Enumerable.Range(0, imageSide / step + 1).Select(k => k * step).Where(t => t < imageSide)
            .Select(t => new Tick(t, t.ToString())).Append(new Tick(imageSide, $"{imageSide} (full)")).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Title(title);
        plot.XLabel("training tile side T (pixels)");
        plot.YLabel("test error (measured)");
        FigureStyle.LegendBelow(plot);
        PlotFile.Save(plot, path, PlotFile.Width, 640);
    }

    /// <summary>
    /// One line per labelled series against epoch, in the palette's order (series come ordered from
    /// small tiles to full images). With <paramref name="accuracy"/> the values are percentages on a
    /// 0-100% axis with the chance level of <paramref name="classes"/>.
    /// </summary>
    public static void Curves(IReadOnlyList<(string Label, double[] Epochs, double[] Values)> lines, string title, string yLabel, string path,
        bool accuracy = false, int? classes = null)
    {
        var plot = new Plot();
        for (int i = 0; i < lines.Count; i++)
        {
            var line = plot.Add.Scatter(lines[i].Epochs, lines[i].Values, FigureStyle.Series(i));
            line.LegendText = lines[i].Label;
            line.LineWidth = 2;
            line.MarkerSize = lines[i].Epochs.Length <= 30 ? 6 : 0;
        }
        plot.Title(title);
        int last = lines.Count == 0 ? 1 : (int)lines.Max(l => l.Epochs.DefaultIfEmpty(1).Max());
        FigureStyle.EpochAxis(plot, last);
        if (accuracy) FigureStyle.AccuracyAxis(plot, classes, yLabel);
        else plot.YLabel(yLabel);
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }
}

/// <summary>The agreement figure: full-image model on tiles, against tile size.</summary>
public static class AgreementPlot
{
    public static void Write(Myopia.Analysis.TileStudy.TileAgreementResult result, string title, string path)
    {
        var plot = new Plot();
        double[] t = result.Rows.Select(r => (double)r.Tile).ToArray();
        void Line(double[] ys, string label, int color, LinePattern pattern)
        {
            var s = plot.Add.Scatter(t, ys, PlotFile.Series(color));
            s.LegendText = label;
            s.LineWidth = 2;
            s.MarkerSize = 8;
            s.LinePattern = pattern;
        }
        Line(result.Rows.Select(r => 100 * r.TileAgreesWithFull).ToArray(), "tiles agreeing with the full-image prediction", 0, LinePattern.Solid);
        Line(result.Rows.Select(r => 100 * r.SingleTileAccuracy).ToArray(), "single-tile accuracy", 1, LinePattern.Solid);
        Line(result.Rows.Select(r => 100 * r.PatchAveragedAccuracy).ToArray(), $"patch-averaged accuracy (bars: 95% Clopper-Pearson, {result.Images:N0} images)", 2, LinePattern.Solid);
        // The accuracies are proportions of images: their exact intervals say which gaps exceed test-set noise.
        foreach (var r in result.Rows)
        {
            var ci = Myopia.Statistics.ClopperPearson.ForAccuracy(r.PatchAveragedAccuracy, result.Images);
            var bar = plot.Add.Line(r.Tile, 100 * ci.Lower, r.Tile, 100 * ci.Upper);
            bar.Color = PlotFile.Series(2);
            bar.LineWidth = 2;
        }
        if (result.Rows.Count > 0)
        {
            var ci = Myopia.Statistics.ClopperPearson.ForAccuracy(result.Rows[0].FullImageAccuracy, result.Images);
            var band = plot.Add.VerticalSpan(100 * ci.Lower, 100 * ci.Upper);
            band.FillStyle.Color = FigureStyle.Reference.WithAlpha(0.15);
            band.LineStyle.Width = 0;
            band.LegendText = "full-image accuracy, 95% interval";
            var full = plot.Add.HorizontalLine(100 * result.Rows[0].FullImageAccuracy, 1.5f, FigureStyle.Reference, LinePattern.Dotted);
            full.LegendText = "full-image accuracy";
        }
        FigureStyle.AccuracyAxis(plot, classes: null, "% of test images");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            result.Rows.Select(r => new Tick(r.Tile, r.Tile.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.Title(title);
        plot.XLabel("tile side T (pixels)");
        FigureStyle.LegendBelow(plot);
        PlotFile.Save(plot, path);
    }
}
