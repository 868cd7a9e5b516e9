using Myopia.IO;
using System.Globalization;
using System.Text;
using Myopia.Analysis.LinearDynamics;
using ScottPlot;
using SkiaSharp;

namespace Myopia.Reporting;

/// <summary>The run folder of the linear lab: CSVs of the curves, the figures and a short report.</summary>
public static class LinearDynamicsReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(LinearDynamicsResult r, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var s = r.Summary;
        JsonOutput.WriteFile(Path.Combine(outDir, "config.json"), s.Options);
        JsonOutput.WriteFile(Path.Combine(outDir, "summary.json"), s);
        WriteTrajectory(r.Cnn, s, Path.Combine(outDir, "cnn.csv"));
        if (r.Fcnn is not null) WriteTrajectory(r.Fcnn, s, Path.Combine(outDir, "fcnn.csv"));
        var spectra = new StringBuilder("step," + string.Join(',', Enumerable.Range(0, r.KernelSpectra[0].Length).Select(i => $"f{i}")) + "\n");
        for (int i = 0; i < r.KernelSpectra.Length; i++) spectra.Append(r.KernelSpectrumSteps[i]).Append(',').AppendJoin(',', r.KernelSpectra[i].Select(v => v.ToString("G6", C))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, "kernel-spectra.csv"), spectra.ToString());

        ModesPlot(r, Path.Combine(outDir, "modes.png"));
        LossPlot(r, Path.Combine(outDir, "loss.png"));
        SpectraFigure(r, Path.Combine(outDir, "spectra.png"));
        if (!double.IsNaN(s.Cnn.AblateDominant)) AblationPlot(s, Path.Combine(outDir, "ablation.png"));
        Markdown(r, Path.Combine(outDir, "report.md"));
    }

    private static void WriteTrajectory(Trajectory t, LinearDynamicsSummary s, string path)
    {
        int modes = s.Structure.Count;
        var csv = new StringBuilder("step,loss," + string.Join(',', Enumerable.Range(1, modes).Select(a => $"a{a}")) + "\n");
        foreach (int i in Subsample(t.Steps.Length, 2000))
            csv.Append(t.Steps[i]).Append(',').Append(t.Loss[i].ToString("G8", C)).Append(',').AppendJoin(',', t.ModeStrength[i].Select(v => v.ToString("G8", C))).Append('\n');
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    /// <summary>Indices spread evenly on a log scale (plus the first and last), for curves over many steps.</summary>
    private static IEnumerable<int> Subsample(int count, int points)
    {
        if (count <= points) return Enumerable.Range(0, count);
        var set = new SortedSet<int> { 0, count - 1 };
        for (int k = 0; k < points; k++) set.Add((int)Math.Min(count - 1, Math.Round(Math.Pow(count - 1, (double)k / (points - 1)))));
        return set;
    }

    private static void LogTimeAxis(Plot plot)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, 6).Select(k => new Tick(k, $"{Math.Pow(10, k):G}")).ToArray());
        plot.XLabel("gradient step (log scale)");
    }

    private static void ModesPlot(LinearDynamicsResult r, string path)
    {
        var plot = new Plot();
        var s = r.Summary;
        // Theory curves are added after every measured one so that they are drawn on top, not hidden under them.
        var theory = new List<(double[] X, double[] Y, Color Color)>();
        void Curves(Trajectory t, NetworkSummary summary, bool cnn)
        {
            var idx = Subsample(t.Steps.Length, 600).Where(i => t.Steps[i] > 0).ToArray();
            double[] x = idx.Select(i => Math.Log10(t.Steps[i])).ToArray();
            foreach (var m in summary.Modes)
            {
                var color = PlotFile.Series(m.Mode);
                var line = plot.Add.Scatter(x, idx.Select(i => t.ModeStrength[i][m.Mode] / m.S).ToArray(), cnn ? color : color.WithAlpha(0.55));
                line.MarkerSize = 0;
                line.LineWidth = cnn ? 3.5f : 2f;
                line.LegendText = $"{(cnn ? "CNN" : "FCNN")} mode {m.Mode + 1} (s={m.S:F3}{(cnn ? $", kappa={m.Kappa:F2}" : "")})";
                if (m.EffectiveA0 is { } a0 && a0 > 0)
                {
                    double rate = cnn ? LearningTheory.CnnRate(m.S, m.Kappa, s.Options.Lr) : LearningTheory.FcnnRate(m.S, s.Options.Lr);
                    theory.Add((x, idx.Select(i => (cnn ? LearningTheory.Logistic(t.Steps[i], m.S, a0, rate) : LearningTheory.Saxe(t.Steps[i], m.S, a0, s.Options.Lr)) / m.S).ToArray(), color));
                }
            }
        }
        Curves(r.Cnn, s.Cnn, true);
        if (r.Fcnn is not null && s.Fcnn is not null) Curves(r.Fcnn, s.Fcnn, false);
        for (int i = 0; i < theory.Count; i++)
        {
            // A dark dash over the measured colour: visible on the thick measured line and off it.
            var p = plot.Add.Scatter(theory[i].X, theory[i].Y, Colors.Black);
            p.MarkerSize = 0;
            p.LinePattern = LinePattern.Dashed;
            p.LineWidth = 1.5f;
            if (i == 0) p.LegendText = "theory (closed form)";
        }
        plot.Axes.SetLimitsY(-0.05, 1.1);
        LogTimeAxis(plot);
        plot.YLabel("learned fraction of mode, a_alpha(t) / s_alpha");
        plot.Title($"Mode learning on {s.Dataset}: linear CNN (thick) vs FCNN (thin, light)");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path, 1200, 640);
    }

    private static void LossPlot(LinearDynamicsResult r, string path)
    {
        var plot = new Plot();
        foreach (var (t, label, i) in new[] { (r.Cnn, "linear CNN", 0), (r.Fcnn, "linear FCNN", 1) })
        {
            if (t is null) continue;
            var idx = Subsample(t.Steps.Length, 800).Where(k => t.Steps[k] > 0).ToArray();
            var line = plot.Add.Scatter(idx.Select(k => Math.Log10(t.Steps[k])).ToArray(), idx.Select(k => Math.Log10(Math.Max(1e-12, t.Loss[k]))).ToArray(), PlotFile.Series(i));
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = label;
        }
        LogTimeAxis(plot);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(-12, 13).Select(k => new Tick(k, $"1e{k}")).ToArray());
        plot.YLabel("MSE loss (log scale)");
        plot.Title($"Loss plateaus on {r.Summary.Dataset}");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, path);
    }

    private static void AblationPlot(LinearDynamicsSummary s, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        var labels = new List<Tick>();
        int pos = 0;
        foreach (var net in new[] { s.Cnn, s.Fcnn }.OfType<NetworkSummary>())
        {
            // Two-line labels: the network, then what was removed; on one line neighbouring labels overlap.
            bars.Add(new Bar { Position = pos, Value = net.AblateDominant, FillColor = PlotFile.Series(1), Label = net.AblateDominant.ToString("F2", C) });
            labels.Add(new Tick(pos++, $"{net.Network.ToUpperInvariant()}\ndominant removed"));
            bars.Add(new Bar { Position = pos, Value = net.AblateSecondary, FillColor = PlotFile.Series(2), Label = net.AblateSecondary.ToString("F2", C) });
            labels.Add(new Tick(pos++, $"{net.Network.ToUpperInvariant()}\nsecondary removed"));
            pos++;
        }
        plot.Add.Bars(bars.ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(labels.ToArray());
        plot.Axes.Bottom.MinimumSize = 60;
        plot.Axes.SetLimitsY(0, 1.15);
        plot.YLabel("mean correct-class output");
        plot.Title("Shortcut ablation: the CNN relies only on each part's dominant frequency");
        PlotFile.Save(plot, path);
    }

    /// <summary>|phi_hat_alpha| maps next to the kernel spectrum |r~| at start, middle and end (2-D), or as lines (1-D).</summary>
    private static void SpectraFigure(LinearDynamicsResult r, string path)
    {
        if (r.Shape.Length == 1)
        {
            var plot = new Plot();
            double[] f = Enumerable.Range(0, r.Shape[0]).Select(i => (double)i).ToArray();
            for (int i = 0; i < r.KernelSpectra.Length; i++)
            {
                var line = plot.Add.Scatter(f, r.KernelSpectra[i].Select(v => v / Math.Max(1e-300, r.KernelSpectra[i].Max())).ToArray(), PlotFile.Series(i));
                line.LegendText = $"|r~| at step {r.KernelSpectrumSteps[i]} (normalized)";
            }
            for (int a = 0; a < r.PhiSpectra.Length; a++)
            {
                var line = plot.Add.Scatter(f, r.PhiSpectra[a], PlotFile.Series(5 + a));
                line.LinePattern = LinePattern.Dotted;
                line.LegendText = $"|phi_hat_{a + 1}|";
            }
            plot.XLabel("frequency");
            plot.Title("Kernel spectrum vs the dataset's modes");
            FigureStyle.LegendOutside(plot);
            PlotFile.Save(plot, path);
            return;
        }
        int h = r.Shape[0], w = r.Shape[1], scale = 10, pad = 44, label = 20, axis = 30;
        var maps = r.PhiSpectra.Select((p, a) => ($"|phi_hat_{a + 1}| (mode {a + 1})", p))
            .Concat(r.KernelSpectra.Select((k, i) => ($"|r~| kernel, step {r.KernelSpectrumSteps[i]}", k))).ToList();
        int cols = Math.Max(r.PhiSpectra.Length, r.KernelSpectra.Length);
        int panelW = w * scale + pad, panelH = label + h * scale + axis;
        int barWidth = 150, titleHeight = 30;
        int width = cols * panelW + pad + barWidth, height = titleHeight + 2 * panelH + 2 * 10 + 24;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName(FigureStyle.Font) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 13);
        using var small = new SKFont(typeface, 11);
        using var titleFont = new SKFont(typeface, 16);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawText($"Fourier amplitude of the dataset's modes (top) and of the learned kernel (bottom), {r.Summary.Dataset}", pad, 20, titleFont, ink);
        for (int m = 0; m < maps.Count; m++)
        {
            bool kernel = m >= r.PhiSpectra.Length;
            int col = kernel ? m - r.PhiSpectra.Length : m, row = kernel ? 1 : 0;
            int x0 = pad + col * panelW, y0 = titleHeight + row * (panelH + 10);
            canvas.DrawText(maps[m].Item1, x0, y0 + 14, font, ink);
            var values = maps[m].Item2;
            double max = Math.Max(1e-300, values.Max());
            int top = y0 + label;
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                // Frequencies shifted so that 0 sits in the middle, as spectra are usually drawn.
                int fy = (y + h / 2) % h, fx = (x + w / 2) % w;
                using var paint = new SKPaint { Color = HeatmapRenderer.Viridis(Math.Sqrt(values[fy * w + fx] / max)) };
                canvas.DrawRect(x0 + x * scale, top + y * scale, scale, scale, paint);
            }
            canvas.DrawRect(x0, top, w * scale, h * scale, frame);
            // Frequency axes: -n/2, 0 and n/2 - 1 cycles per image, at the centres of their cells.
            foreach (int f in new[] { -(w / 2), 0, w - w / 2 - 1 })
            {
                float cx = x0 + (f + w / 2) * scale + scale / 2f;
                canvas.DrawLine(cx, top + h * scale, cx, top + h * scale + 4, frame);
                canvas.DrawText(f.ToString(C), cx, top + h * scale + 16, SKTextAlign.Center, small, ink);
            }
            foreach (int f in new[] { -(h / 2), 0, h - h / 2 - 1 })
            {
                float cy = top + (f + h / 2) * scale + scale / 2f;
                canvas.DrawLine(x0 - 4, cy, x0, cy, frame);
                canvas.DrawText(f.ToString(C), x0 - 6, cy + 4, SKTextAlign.Right, small, ink);
            }
            canvas.DrawText("f_x (cycles per image)", x0 + w * scale / 2f, top + h * scale + 28, SKTextAlign.Center, small, ink);
        }
        // One colour bar for every panel: each is scaled to its own maximum, on a square-root scale.
        int bx = pad + cols * panelW, by = titleHeight + label, bh = 2 * panelH - label - axis;
        for (int i = 0; i < bh; i++)
        {
            using var paint = new SKPaint { Color = HeatmapRenderer.Viridis(1 - (double)i / (bh - 1)) };
            canvas.DrawRect(bx, by + i, 18, 1, paint);
        }
        canvas.DrawRect(bx, by, 18, bh, frame);
        foreach (var v in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            // The bar is linear in colour, i.e. in sqrt(amplitude / max): label it with the amplitude fraction.
            float yy = by + bh - (float)(v * bh);
            canvas.DrawLine(bx + 18, yy, bx + 22, yy, frame);
            canvas.DrawText((v * v).ToString("0.###", C), bx + 25, yy + 4, small, ink);
        }
        canvas.DrawText("amplitude /", bx, by + bh + 16, small, ink);
        canvas.DrawText("panel maximum", bx, by + bh + 30, small, ink);
        canvas.DrawText("(square-root scale)", bx, by + bh + 44, small, ink);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    private static void Markdown(LinearDynamicsResult r, string path)
    {
        var s = r.Summary;
        var md = new StringBuilder($"# Linear CNN vs linear FCNN on {s.Dataset}\n\n");
        md.AppendLine(string.Create(C, $"lr {s.Options.Lr} (tau = {1 / s.Options.Lr:F0} steps), epsilon {s.Options.Epsilon:G2}, CNN {s.Options.StepsCnn} steps, FCNN (hidden {s.Options.Hidden}) {s.Options.StepsFcnn} steps; {s.Seconds:F1} s in all.")).AppendLine();
        md.AppendLine("| network | mode | s | kappa | half step measured | predicted | rate / (2s/tau) measured | predicted |").AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var net in new[] { s.Cnn, s.Fcnn }.OfType<NetworkSummary>())
        foreach (var m in net.Modes)
            md.AppendLine(string.Create(C, $"| {net.Network} | {m.Mode + 1} | {m.S:F4} | {m.Kappa:F3} | {m.HalfStepMeasured} | {m.HalfStepPredicted:F0} | {m.RateRatioMeasured:F3} | {m.RateRatioPredicted:F3} |"));
        md.AppendLine();
        foreach (var net in new[] { s.Cnn, s.Fcnn }.OfType<NetworkSummary>())
            md.AppendLine(string.Create(C, $"{net.Network}: loss plateaus {string.Join(" -> ", net.Plateaus.Select(p => p.ToString("F3", C)))}, final {net.FinalLoss:G3}; correct-class output with the dominant frequencies removed {net.AblateDominant:F3}, with the secondary removed {net.AblateSecondary:F3}.")).AppendLine();
        if (s.KernelBias.Count > 0)
            md.AppendLine("Final kernel, secondary/dominant amplitude per part: " + string.Join(", ", s.KernelBias.Select(b => string.Create(C, $"{b.Part} {b.SecondaryOverDominant:G2}")))).AppendLine();
        md.AppendLine("![modes](modes.png)").AppendLine().AppendLine("![loss](loss.png)").AppendLine().AppendLine("![spectra](spectra.png)").AppendLine().AppendLine("![ablation](ablation.png)");
        AtomicFile.WriteAllText(path, md.ToString());
    }

    public static void WriteInitScaling(InitScalingResult r, string outDir)
    {
        Directory.CreateDirectory(outDir);
        JsonOutput.WriteFile(Path.Combine(outDir, "init-scaling.json"), r);
        AtomicFile.WriteAllText(Path.Combine(outDir, "init-scaling.csv"),
            "epsilon,secondary_over_dominant\n" + string.Concat(r.Points.Select(p => string.Create(C, $"{p.Epsilon:G6},{p.SecondaryOverDominant:G6}\n"))));
        var plot = new Plot();
        var pts = plot.Add.Scatter(r.Points.Select(p => Math.Log10(p.Epsilon)).ToArray(), r.Points.Select(p => Math.Log10(p.SecondaryOverDominant)).ToArray(), PlotFile.Series(0));
        pts.LegendText = "measured";
        pts.MarkerSize = 9;
        var fit = r.Points.Where(p => p.Epsilon <= r.SlopeFitMaxEpsilon).ToList();
        if (fit.Count >= 2 && double.IsFinite(r.Slope))
        {
            double mx = fit.Average(p => Math.Log10(p.Epsilon)), my = fit.Average(p => Math.Log10(p.SecondaryOverDominant));
            double x1 = fit.Min(p => Math.Log10(p.Epsilon)), x2 = fit.Max(p => Math.Log10(p.Epsilon));
            var line = plot.Add.Line(x1, my + r.Slope * (x1 - mx), x2, my + r.Slope * (x2 - mx));
            line.LinePattern = LinePattern.Dashed;
            line.Color = PlotFile.Series(3);
            line.LegendText = string.Create(C, $"fit for epsilon <= {r.SlopeFitMaxEpsilon:G2}: slope {r.Slope:F3} (theory 0.4)");
        }
        plot.XLabel("log10 epsilon (initialisation scale)");
        plot.YLabel("log10 secondary / dominant kernel amplitude");
        plot.Title($"Dominant-frequency bias grows as the initialisation shrinks ({r.Dataset})");
        FigureStyle.LegendOutside(plot);
        PlotFile.Save(plot, Path.Combine(outDir, "init-scaling.png"));
    }
}
