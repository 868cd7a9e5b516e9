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

    public static void Write(SweepResult result, PatchErrorParameters? theory, int imageSide)
    {
        var series = new List<(string, double[], double[], double[], double[])>();
        foreach (var model in result.Cells.Select(c => c.Model).Distinct())
        {
            var cells = result.Cells.Where(c => c.Model == model).OrderBy(c => c.Tile == 0 ? imageSide : c.Tile).ToList();
            double[] t = cells.Select(c => (double)(c.Tile == 0 ? imageSide : c.Tile)).ToArray();
            series.Add(($"{model}: full images through the tile-trained net (A)", t,
                cells.Select(c => 1 - c.MeanAcc).ToArray(), cells.Select(c => 1 - c.MaxAcc).ToArray(), cells.Select(c => 1 - c.MinAcc).ToArray()));
            // Mode B per tile, with its own spread over seeds.
            var patches = result.Rows.Where(r => r.Model == model && r.PatchAcc is not null)
                .GroupBy(r => r.Tile).OrderBy(g => g.Key)
                .Select(g => (Tile: (double)g.Key, Errors: g.Select(r => 1 - r.PatchAcc!.Value).ToArray())).ToList();
            if (patches.Count > 0)
                series.Add(($"{model}: patch-averaged logits (B)", patches.Select(p => p.Tile).ToArray(),
                    patches.Select(p => p.Errors.Average()).ToArray(), patches.Select(p => p.Errors.Min()).ToArray(), patches.Select(p => p.Errors.Max()).ToArray()));
        }
        var curve = theory is null ? null : PatchErrorModel.Curve(theory with { H = imageSide });
        TileStudyPlots.ErrorVersusTile(series, curve, Title("Test error vs training tile size", result.Dataset, "mean and min-max over seeds"),
            imageSide, Path.Combine(result.SweepDir, ErrorFigure));
        WriteCurves(result);
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
        TileStudyPlots.Curves(loss, Title("Training loss on training crops", result.Dataset, "mean over seeds"), "training loss", Path.Combine(result.SweepDir, LossFigure));
        TileStudyPlots.Curves(accuracy, Title("Test accuracy on full images (mode A)", result.Dataset, "mean over seeds"), "test accuracy (%)", Path.Combine(result.SweepDir, AccuracyFigure));
    }

    // A dataset name with options (synthetic:train_count=1000,...) goes on a second line, so it fits.
    private static string Title(string what, string dataset, string aggregate)
    {
        var (name, options) = Myopia.Data.DatasetCatalog.ParseName(dataset);
        return options is null ? $"{what}, {name} ({aggregate})" : $"{what}, {name} ({aggregate})\n{options}";
    }

    public static void WriteReport(SweepResult result, SweepSpec spec)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder($"# Tile sweep on {result.Dataset}\n\n");
        md.AppendLine(string.Create(c, $"{result.Rows.Count} runs ({string.Join(", ", spec.Models)}; tiles {string.Join(", ", spec.Tiles.Select(t => t == 0 ? "full" : t.ToString()))}; seeds {string.Join(", ", spec.Seeds)}), {spec.Base.Epochs} epochs each. Accuracies on the test set: mode A = full images through the network, mode B = mean logits over stride-{spec.PatchStride} tiles."));
        md.AppendLine();
        md.AppendLine("| model | tile | runs | mode A (final) | ± std | mode A (best epoch) | mode B (final) | mode B (best epoch) |").AppendLine("|---|---|---|---|---|---|---|---|");
        string Pct(double? v) => v is { } x ? string.Create(c, $"{100 * x:F2}%") : "-";
        foreach (var cell in result.Cells)
            md.AppendLine(string.Create(c, $"| {cell.Model} | {(cell.Tile == 0 ? "full" : cell.Tile.ToString())} | {cell.Runs} | {Pct(cell.MeanAcc)} | {100 * cell.StdAcc:F2} | {Pct(cell.MeanBestAcc)} | {Pct(cell.MeanPatchAcc)} | {Pct(cell.MeanBestPatchAcc)} |"));
        md.AppendLine();
        foreach (var model in result.Cells.Select(x => x.Model).Distinct())
        {
            var cells = result.Cells.Where(x => x.Model == model).ToList();
            var full = cells.FirstOrDefault(x => x.Tile == 0);
            var best = cells.MaxBy(x => x.MeanAcc)!;
            md.Append(string.Create(c, $"{model}: accuracy peaks at {(best.Tile == 0 ? "full images" : $"T = {best.Tile}")} ({100 * best.MeanAcc:F2}%)"));
            if (full is not null)
            {
                var tiled = cells.Where(x => x.Tile > 0).ToList();
                var bestTile = tiled.Count > 0 ? tiled.MaxBy(x => x.MeanAcc) : null;
                if (bestTile is not null)
                    md.Append(string.Create(c, $"; best tile T = {bestTile.Tile} {(bestTile.MeanAcc >= full.MeanAcc ? "matches or beats" : "stays below")} full-image training ({100 * bestTile.MeanAcc:F2}% vs {100 * full.MeanAcc:F2}%)"));
                var bestB = tiled.Where(x => x.MeanPatchAcc is not null).MaxBy(x => x.MeanPatchAcc);
                if (bestB is not null)
                    md.Append(string.Create(c, $"; in mode B the best tile T = {bestB.Tile} {(bestB.MeanPatchAcc >= full.MeanAcc ? "matches or beats" : "stays below")} it ({100 * bestB.MeanPatchAcc!.Value:F2}%)"));
            }
            md.AppendLine(".");
        }
        md.AppendLine().AppendLine($"![test error vs tile size]({ErrorFigure})");
        AtomicFile.WriteAllText(Path.Combine(result.SweepDir, "report.md"), md.ToString());
    }
}
