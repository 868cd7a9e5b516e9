using Myopia.IO;
using System.Globalization;
using System.Text;
using Myopia.Analysis.TileStudy;
using Myopia.Experiments;

namespace Myopia.Reporting;

/// <summary>The figure and report of a tile sweep: test error against tile size, per model, with err(t).</summary>
public static class SweepFigures
{
    public const string ErrorFigure = "error-vs-tile.png";

    public static void Write(SweepResult result, PatchErrorParameters? theory, int imageSide, SweepSpec? spec = null)
    {
        var evidence = SweepCellEvidence.From(result, spec ?? new SweepSpec());
        var series = new List<(string, double[], double[], double[], double[])>();
        int Side(int tile) => tile == 0 ? imageSide : tile;
        // Error bars: the 95% interval spanning the seeds (SeedAccuracy); the mean alone when the image count is unknown.
        (double[], double[], double[], double[]) Points(IEnumerable<(int Tile, SeedAccuracy Acc)> points)
        {
            var p = points.OrderBy(x => Side(x.Tile)).ToList();
            return (p.Select(x => (double)Side(x.Tile)).ToArray(), p.Select(x => 1 - x.Acc.Mean).ToArray(),
                p.Select(x => 1 - (x.Acc.Upper ?? x.Acc.Mean)).ToArray(), p.Select(x => 1 - (x.Acc.Lower ?? x.Acc.Mean)).ToArray());
        }
        foreach (var model in evidence.Select(c => c.Model).Distinct())
        {
            var cells = evidence.Where(c => c.Model == model).ToList();
            var (t, mean, low, high) = Points(cells.Select(c => (c.Tile, c.ModeA)));
            series.Add(($"{model}, mode A: full test images through the net{Images(cells.Select(c => c.ModeA))}", t, mean, low, high));
            var patched = cells.Where(c => c.ModeB is not null).ToList();
            if (patched.Count > 0)
            {
                (t, mean, low, high) = Points(patched.Select(c => (c.Tile, c.ModeB!)));
                series.Add(($"{model}, mode B: patch-averaged logits{Images(patched.Select(c => c.ModeB!))}", t, mean, low, high));
            }
        }
        var curve = theory is null ? null : PatchErrorModel.Curve(theory with { H = imageSide });
        int seeds = evidence.Count == 0 ? 0 : evidence.Max(c => c.ModeA.Seeds);
        TileStudyPlots.ErrorVersusTile(series, curve,
            Title("Test error vs training tile size", result, seeds >= 2 ? $"mean of {seeds} seeds, 95% intervals" : "1 seed, 95% intervals"),
            imageSide, Path.Combine(result.SweepDir, ErrorFigure));
        WriteCurves(result);
    }

    // ", 1,000 images" when every point of a series used the same number of test images.
    private static string Images(IEnumerable<SeedAccuracy> points)
    {
        var counts = points.Select(p => p.Images).Distinct().ToList();
        return counts is [{ } n] ? $", {n:N0} images" : "";
    }

    public const string LossFigure = "train-loss-vs-epoch.png";
    public const string AccuracyFigure = "test-accuracy-vs-epoch.png";

    // Per-epoch curves of every (model, tile), mean over seeds, from the runs' summaries: the
    // study's training-loss figure (small tiles keep a higher training loss while testing well).
    private static void WriteCurves(SweepResult result)
    {
        var loss = new List<(string, double[], double[])>();
        var accuracy = new List<(string, double[], double[])>();
        foreach (var group in result.Rows.GroupBy(r => (r.Model, r.Tile)).OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Tile == 0 ? int.MaxValue : g.Key.Tile))
        {
            var histories = group
                .Select(r => Path.Combine(result.SweepDir, "runs", r.Name, "summary.json"))
                .Where(File.Exists)
                .Select(f => JsonOutput.Deserialize<Myopia.Training.TrainingResult>(File.ReadAllText(f)).History)
                .Where(h => h.Count > 0).ToList();
            if (histories.Count == 0) continue;
            int epochs = histories.Min(h => h.Count);
            double[] x = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
            double Mean(Func<Myopia.Training.EpochMetrics, double> f, int e) => histories.Average(h => f(h[e]));
            string label = $"{(result.Rows.Select(r => r.Model).Distinct().Count() > 1 ? group.Key.Model + ", " : "")}{(group.Key.Tile == 0 ? "full images" : $"T = {group.Key.Tile}")}";
            loss.Add((label, x, Enumerable.Range(0, epochs).Select(e => Mean(m => m.TrainLoss, e)).ToArray()));
            // Only epochs every seed evaluated (--eval-every skips some).
            var tested = Enumerable.Range(0, epochs).Where(e => histories.All(h => h[e].Evaluated)).ToArray();
            accuracy.Add((label, tested.Select(e => e + 1.0).ToArray(), tested.Select(e => 100 * Mean(m => m.TestAcc, e)).ToArray()));
        }
        if (loss.Count == 0) return;
        int? classes = result.Rows.Select(r => RunClasses(Path.Combine(result.SweepDir, "runs", r.Name))).FirstOrDefault(k => k is not null);
        TileStudyPlots.Curves(loss, Title("Training loss on training crops", result, "mean over seeds"), "training loss", Path.Combine(result.SweepDir, LossFigure));
        TileStudyPlots.Curves(accuracy, Title("Test accuracy on full images (mode A)", result, "mean over seeds"), "test accuracy (%)", Path.Combine(result.SweepDir, AccuracyFigure),
            accuracy: true, classes: classes);
    }

    /// <summary>
    /// The class count of a run folder's dataset: from summary.json, or, for summaries written before
    /// it was recorded, from the class names of its mode B evaluation.
    /// </summary>
    public static int? RunClasses(string runDir)
    {
        try
        {
            var summary = Path.Combine(runDir, "summary.json");
            if (File.Exists(summary) && JsonOutput.Deserialize<Myopia.Training.TrainingResult>(File.ReadAllText(summary)).Classes is { } k) return k;
            var patch = Path.Combine(runDir, "patch-eval.json");
            return File.Exists(patch) ? JsonOutput.Deserialize<Myopia.Evaluation.EvaluationResult>(File.ReadAllText(patch)).ClassNames.Count : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    // A dataset name with options (synthetic:train_count=1000,...) goes on a second line, so it fits.
    private static string Title(string what, SweepResult result, string aggregate)
    {
        var (name, options) = Myopia.Data.DatasetCatalog.ParseName(result.Dataset);
        string models = string.Join(", ", result.Rows.Select(r => r.Model).Distinct());
        return options is null ? $"{what}: {models} on {name} ({aggregate})" : $"{what}: {models} on {name} ({aggregate})\n{options}";
    }

    public static void WriteReport(SweepResult result, SweepSpec spec)
    {
        var c = CultureInfo.InvariantCulture;
        var evidence = SweepCellEvidence.From(result, spec);
        var md = new StringBuilder($"# Tile sweep on {result.Dataset}\n\n");
        md.AppendLine(string.Create(c, $"{result.Rows.Count} runs ({string.Join(", ", spec.Models)}; tiles {string.Join(", ", spec.Tiles.Select(t => t == 0 ? "full" : t.ToString()))}; seeds {string.Join(", ", spec.Seeds)}), {spec.Base.Epochs} epochs each. Mode A = full test images through the network; mode B = mean logits over stride-{spec.PatchStride} tiles of the test images."));
        md.AppendLine();
        md.AppendLine("Accuracies are of the final epoch, mean over seeds, with a 95% interval: exact (Clopper–Pearson) per seed on its test images, widened to span the seeds. " +
                      "± std is the standard deviation over seeds, given only for two seeds or more. Each column names the test images it was measured on; " +
                      "numbers are compared only when measured on the same images.");
        md.AppendLine();
        string A = ColumnImages(evidence.Select(x => x.ModeA)), B = ColumnImages(evidence.Where(x => x.ModeB is not null).Select(x => x.ModeB!));
        md.AppendLine($"| model | tile | seeds | mode A{A} | ± std (A, points) | mode B{B} | ± std (B, points) |").AppendLine("|---|---|---|---|---|---|---|");
        string Std(SeedAccuracy? a) => a?.Std is { } s ? string.Create(c, $"{100 * s:F2}") : "–";
        foreach (var cell in evidence)
            md.AppendLine($"| {cell.Model} | {(cell.Tile == 0 ? "full" : cell.Tile.ToString(c))} | {cell.ModeA.Seeds} | {Cell(cell.ModeA, A)} | {Std(cell.ModeA)} | {Cell(cell.ModeB, B)} | {Std(cell.ModeB)} |");
        md.AppendLine();
        md.AppendLine("## Conclusion").AppendLine();
        foreach (var model in evidence.Select(x => x.Model).Distinct())
            md.AppendLine(SweepConclusion.For(model, evidence.Where(x => x.Model == model).ToList())).AppendLine();
        if (spec.Base.Epochs < 10 || evidence.Any(x => x.ModeA.Seeds < 2))
            md.AppendLine(string.Create(c, $"Caveat: {Plural(spec.Base.Epochs, "epoch")} and {Plural(evidence.Min(x => x.ModeA.Seeds), "seed")} per cell; the intervals say how precisely these runs were measured, not how longer training would rank them.")).AppendLine();
        md.AppendLine($"![test error vs tile size]({ErrorFigure})");
        AtomicFile.WriteAllText(Path.Combine(result.SweepDir, "report.md"), md.ToString());
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    // " on 1,000 test images" in a column heading when every row of the column used that many; else each cell names its own.
    private static string ColumnImages(IEnumerable<SeedAccuracy> column)
    {
        var counts = column.Select(a => a.Images).Distinct().ToList();
        return counts is [{ } n] ? $" on {n:N0} test images" : "";
    }

    private static string Cell(SeedAccuracy? a, string columnImages) => a is null ? "–"
        : SweepConclusion.Describe(a) + (columnImages.Length > 0 ? "" : a.Images is { } n ? $" on {n.ToString("N0", CultureInfo.InvariantCulture)} images" : " (test images not recorded)");
}
