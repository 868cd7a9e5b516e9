using Myopia.IO;
using System.CommandLine;
using System.Globalization;
using Myopia.Analysis.TileStudy;
using Myopia.Cli.Terminal;
using Myopia.Reporting;
using Myopia.Training;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia agreement</c>: does a full-image model give the same predictions on tiles?</summary>
public static class AgreementCommand
{
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint();
        var data = new Option<string?>("--data") { Description = "dataset (default: the checkpoint's)" };
        var dataDir = CommonOptions.DataDir();
        var tiles = new Option<string>("--tiles") { Description = "comma-separated tile sizes", DefaultValueFactory = _ => "8,12,16,24" };
        var stride = new Option<int>("--stride") { Description = "tile stride", DefaultValueFactory = _ => 1 };
        var testLimit = new Option<int?>("--test-limit") { Description = "test images used (default 1000; 0 = all)", DefaultValueFactory = _ => 1000 };
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("agreement", "For a (full-image) model: fraction of tiles agreeing with its full-image prediction, single-tile and patch-averaged accuracy, per tile size.")
        {
            checkpoint, data, dataDir, tiles, stride, testLimit, output, json, threads,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is > 0 and var n) TorchSharp.torch.set_num_threads(n);
            var (info, model) = Checkpoint.Load(parse.GetValue(checkpoint)!);
            using var _ = model;
            string dataset = parse.GetValue(data) ?? info.Dataset;
            int? limit = parse.GetValue(testLimit) is > 0 and var l ? l : null;
            using var splits = DataLoading.Load(dataset, parse.GetValue(dataDir) ?? (dataset == info.Dataset ? info.DataDir : null), trainLimit: 1, testLimit: limit);
            var sizes = parse.GetValue(tiles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, out var v) ? v : throw new MyopiaException($"--tiles: '{s}' is not a tile size")).ToArray();
            var result = ProgressDisplay.Run(sink =>
            {
                int current = -1;
                var r = new TileAgreement(model, info.Normalization, parse.GetValue(stride)).Measure(splits.Test, sizes, (tile, done, total) =>
                {
                    if (tile != current) { if (current >= 0) sink.Finish(); sink.Start($"tiles T={tile}", total); current = tile; }
                    sink.Report(done);
                });
                sink.Finish();
                return r;
            });
            if (parse.GetValue(output) is { } outDir)
            {
                Directory.CreateDirectory(outDir);
                string trained = info.Tile is { } t ? $"{t}x{t} tiles" : "full images";
                AgreementPlot.Write(result, $"{info.Model} trained on {trained}, evaluated on tiles ({result.Images} test images)", Path.Combine(outDir, "agreement.png"));
                var csv = new System.Text.StringBuilder("tile,stride,tiles_per_image,agrees_with_full,single_tile_acc,patch_averaged_acc,full_image_acc\n");
                foreach (var r in result.Rows)
                    csv.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Tile},{r.Stride},{r.TilesPerImage},{r.TileAgreesWithFull:F4},{r.SingleTileAccuracy:F4},{r.PatchAveragedAccuracy:F4},{r.FullImageAccuracy:F4}\n"));
                AtomicFile.WriteAllText(Path.Combine(outDir, "agreement.csv"), csv.ToString());
                JsonOutput.WriteFile(Path.Combine(outDir, "agreement.json"), result);
            }
            if (parse.GetValue(json)) { JsonOutput.Print(result); return 0; }
            var table = new Table().Title($"{info.Model} on tiles ({result.Images} test images)").AddColumns("T", "tiles/image", "agree with full", "single tile acc", "patch-averaged acc", "full image acc");
            foreach (var r in result.Rows)
                table.AddRow(r.Tile.ToString(), r.TilesPerImage.ToString(), $"{r.TileAgreesWithFull:P1}", $"{r.SingleTileAccuracy:P1}", $"{r.PatchAveragedAccuracy:P1}", $"{r.FullImageAccuracy:P1}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
