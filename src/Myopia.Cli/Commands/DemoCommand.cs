using Myopia.IO;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Myopia.Reporting;
using Myopia.Training;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia demo</c>: the paper's headline experiment in a few minutes on a CPU. A small CNN is
/// trained on the built-in synthetic convolutional dataset three times (full images and two tile
/// sizes) and each model is evaluated on full test images.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var epochs = CommonOptions.Epochs(5);
        var trainImages = new Option<int>("--train-limit", "--train-images") { Description = "training images used from the synthetic set (10,000 in all)", DefaultValueFactory = _ => 4000 }.AtLeast(1);
        var tiles = new Option<string>("--tiles") { Description = "the two tile sizes to compare with full images", DefaultValueFactory = _ => "8,16" };
        var model = CommonOptions.Model();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Out();
        output.Description = "demo folder";
        output.DefaultValueFactory = _ => Path.Combine("runs", "demo");
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("demo", "Train a small CNN on full images and on two tile sizes of the built-in synthetic set; compare on full test images.")
        {
            epochs, trainImages, tiles, model, seed, threads, output, json,
        };
        command.SetAction(parse =>
        {
            var tileSizes = parse.GetValue(tiles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, out var t) && t > 0 ? t : throw new MyopiaException($"--tiles must be positive integers, got '{s}'")).ToArray();
            var settings = new List<int?> { null };
            settings.AddRange(tileSizes.Select(t => (int?)t));
            TrainOptions Options(int? tile) => new()
            {
                Data = "synthetic", Model = parse.GetValue(model)!, Tile = tile, Epochs = parse.GetValue(epochs), Seed = parse.GetValue(seed),
                Schedule = "cosine", Threads = parse.GetValue(threads), TrainLimit = parse.GetValue(trainImages),
            };
            foreach (var tile in settings) Options(tile).Validate(); // every run's options before the first one trains
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var outDir = OutputFolder.Resolve(parse.GetValue(output)!, "demo");
            var rows = new List<DemoRow>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var tile in settings)
            {
                var options = Options(tile);
                string name = tile is { } t ? $"tile-{t}" : "full";
                var result = TrainCommand.Train(options, Path.Combine(outDir, name), resume: false, commandLine: "myopia demo", label: name);
                if (result.Interrupted) return 130;
                rows.Add(new DemoRow(tile is { } tt ? $"{tt}x{tt} tiles" : "full images", tile, result.Final!.TestAcc, result.Best!.TestAcc, result.Final.TrainAcc, result.TotalSeconds));
            }
            var summary = new DemoSummary(rows, clock.Elapsed.TotalSeconds, Path.GetFullPath(outDir));
            Write(outDir, summary);
            Show(summary, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    public sealed record DemoRow(string Setting, int? Tile, double TestAcc, double BestTestAcc, double TrainAcc, double Seconds);
    public sealed record DemoSummary(List<DemoRow> Runs, double TotalSeconds, string RunDir);

    private static void Write(string outDir, DemoSummary summary)
    {
        TrainingPlots.AccuracyBars(summary.Runs.Select(r => (r.Setting, r.TestAcc)).ToList(),
            "Trained on tiles vs full images, evaluated on full test images", Path.Combine(outDir, "accuracy.png"));
        JsonOutput.WriteFile(Path.Combine(outDir, "summary.json"), summary);
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder("# Myopia demo: tiles vs full images on the synthetic convolutional dataset\n\n");
        md.AppendLine("| trained on | test accuracy (final) | best | train accuracy | minutes |").AppendLine("|---|---|---|---|---|");
        foreach (var r in summary.Runs)
            md.AppendLine(string.Create(c, $"| {r.Setting} | {100 * r.TestAcc:F2}% | {100 * r.BestTestAcc:F2}% | {100 * r.TrainAcc:F2}% | {r.Seconds / 60:F1} |"));
        md.AppendLine().AppendLine("![accuracy](accuracy.png)").AppendLine()
          .AppendLine("Each run's own folder holds its config, per-epoch metrics.csv, checkpoint and curves.");
        AtomicFile.WriteAllText(Path.Combine(outDir, "report.md"), md.ToString());
    }

    private static void Show(DemoSummary summary, bool json)
    {
        if (json)
        {
            JsonOutput.Print(summary);
            return;
        }
        var table = new Table().Title("Test accuracy on full images").AddColumns("trained on", "final", "best", "train (crops)", "time");
        foreach (var r in summary.Runs)
            table.AddRow(r.Setting, $"{r.TestAcc:P2}", $"{r.BestTestAcc:P2}", $"{r.TrainAcc:P2}", $"{r.Seconds:F0} s");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Run folder: {summary.RunDir} (report.md, accuracy.png). Total {summary.TotalSeconds / 60:F1} min.");
    }
}
