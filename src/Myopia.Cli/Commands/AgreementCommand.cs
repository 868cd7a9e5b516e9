using Myopia.IO;
using System.CommandLine;
using System.Globalization;
using Myopia.Analysis.TileStudy;
using Myopia.Cli.Terminal;
using Myopia.Reporting;
using Myopia.Classifiers;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia agreement</c>: does a full-image model give the same predictions on tiles?</summary>
public static class AgreementCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataOrModels();
        var dataDir = CommonOptions.DataDir();
        var tiles = new Option<string>("--tiles") { Description = "comma-separated tile sizes", DefaultValueFactory = _ => "8,12,16,24" };
        var stride = new Option<int>("--stride") { Description = "tile stride", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var testLimit = CommonOptions.TestLimit(defaultValue: 1000);
        var batch = CommonOptions.Batch(128);
        batch.Description = "each forward pass holds at most this many full images' worth of tile pixels; bounds memory (left at its default it counts 32x32 images, so larger photos go fewer at a time)";
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("agreement", "For a (full-image) model: fraction of tiles agreeing with its full-image prediction, single-tile and patch-averaged accuracy, per tile size.")
        {
            data, dataDir, tiles, stride, testLimit, batch, output, json, threads,
        };
        var model = new ModelSpecOptions().AddTo(command);
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var sizes = parse.GetValue(tiles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, out var v) && v > 0 ? v : throw new MyopiaException($"--tiles: '{s}' is not a tile size (a positive integer)")).ToArray();
            if (sizes.Length == 0) throw new MyopiaException("--tiles needs at least one tile size");
            var (dataset, dir) = model.Dataset(parse, data, dataDir);
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "agreement");
            using var splits = DataLoading.Load(dataset, dir, trainLimit: 1, testLimit: parse.GetValue(testLimit));
            DataLoading.RecordSkipped(splits, outDir);
            using var classifier = model.Load(parse, DataDefaults.Of(splits));
            var result = ProgressDisplay.Analysis((progress, cancel) =>
                new TileAgreement(classifier, new TileAgreementOptions(sizes, parse.GetValue(stride), BatchImages: CommonOptions.ImageBatch(parse, batch, splits.Test))).Run(splits.Test, progress, cancel));
            AgreementWriter.Write(result, classifier, outDir);
            Console.Error.WriteLine($"results in {outDir}");
            if (parse.GetValue(json)) { JsonOutput.Print(result); return 0; }
            var table = new Table().Title($"{classifier.Label} on tiles ({result.Images} test images)").AddColumns("T", "tiles/image", "agree with full", "single tile acc", "patch-averaged acc", "full image acc");
            foreach (var r in result.Rows)
                table.AddRow(r.Tile.ToString(), r.TilesPerImage.ToString(), $"{r.TileAgreesWithFull:P1}", $"{r.SingleTileAccuracy:P1}", $"{r.PatchAveragedAccuracy:P1}", $"{r.FullImageAccuracy:P1}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
