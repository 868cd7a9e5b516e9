using System.CommandLine;
using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.Cli.Terminal;
using Myopia.Evaluation;
using Myopia.IO;
using Myopia.Reporting;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia eval</c>: accuracy of a model on a test set, on full images (mode A) and/or by patch-averaged logits (mode B).</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataOrModels();
        var dataDir = CommonOptions.DataDir();
        var mode = new Option<string>("--mode") { Description = "full (whole images through the network), patches (mean logits over T x T patches) or both", DefaultValueFactory = _ => "full" };
        mode.AcceptOnlyFromAmong("full", "patches", "both");
        var tile = CommonOptions.Tile();
        tile.Description = "patch side T for --mode patches (default: the tile size the model was trained on)";
        var stride = new Option<int>("--stride") { Description = "patch stride for --mode patches", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var batch = CommonOptions.Batch(256);
        batch.Description = "images per forward pass; mode B holds this many full images' worth of tile pixels (left at its default it counts 32x32 images, so larger photos go fewer at a time)";
        var testLimit = CommonOptions.TestLimit();
        var savePredictions = new Option<string?>("--save-predictions")
        {
            Description = "also write every test image's index, label, prediction and logits: csv (predictions.csv) or npy (predictions-*.npy)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        savePredictions.AcceptOnlyFromAmong("csv", "npy");
        var tta = new Option<string>("--tta") { Description = "test-time augmentation of --mode full: none, or flip (mean logits of each image and its mirror)", DefaultValueFactory = _ => "none" };
        tta.AcceptOnlyFromAmong(Myopia.Training.TrainOptions.TestTimeAugmentations);
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Evaluate a model (Myopia run, PyTorch state_dict, safetensors or TorchScript): top-1/top-5, per-class accuracy and the confusion matrix.")
        {
            data, dataDir, mode, tile, stride, batch, testLimit, savePredictions, tta, threads, output, json,
        };
        var model = new ModelSpecOptions().AddTo(command);
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int batchSize = CommonOptions.Positive(parse.GetValue(batch), "--batch");
            string which = parse.GetValue(mode)!;
            var (dataset, dir) = model.Dataset(parse, data, dataDir);
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "eval");
            using var splits = DataLoading.Load(dataset, dir, trainLimit: 1, testLimit: parse.GetValue(testLimit));
            DataLoading.RecordSkipped(splits, outDir);
            using var classifier = model.Load(parse, DataDefaults.Of(splits));
            // Everything both modes need is checked before mode A spends its time.
            FullImageEvaluator.CheckClasses(classifier, splits.Test);
            batchSize = CommonOptions.ImageBatch(parse, batch, splits.Test);
            classifier.CheckInputSide(splits.Test.Height, splits.Test.Width, $"the image side of {dataset},");
            int? patchTile = null;
            if (which is "patches" or "both")
            {
                patchTile = parse.GetValue(tile) ?? classifier.Card.Tile
                    ?? throw new MyopiaException($"--mode {which} needs --tile (the model was trained on full images)");
                if (patchTile > splits.Test.Height || patchTile > splits.Test.Width)
                    throw new MyopiaException($"tile {patchTile}x{patchTile} is larger than the {splits.Test.Height}x{splits.Test.Width} images of {dataset}");
                classifier.CheckInputSide(patchTile.Value, patchTile.Value, "--tile");
            }
            bool keepPredictions = parse.GetResult(savePredictions) is not null;
            string predictionFormat = parse.GetValue(savePredictions) ?? "csv";

            var results = new List<EvaluationResult>();
            if (which is "full" or "both")
                results.Add(ProgressDisplay.Analysis((progress, cancel) =>
                    new FullImageEvaluator(classifier, new FullImageOptions(batchSize, keepPredictions) { TestTimeFlip = parse.GetValue(tta) == "flip" }).Run(splits.Test, progress, cancel)));
            if (patchTile is { } t)
            {
                results.Add(ProgressDisplay.Analysis((progress, cancel) =>
                    new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(t, parse.GetValue(stride), PatchLogits.PatchesPerPass(batchSize, splits.Test.Height, splits.Test.Width, t)))
                        .Run(splits.Test, progress, cancel)));
            }

            foreach (var r in results) EvaluationWriter.Write(r, outDir, $"{classifier.Label} on {dataset}");
            var predictionFiles = keepPredictions && results.FirstOrDefault(r => r.Predictions is not null) is { Predictions: { } p }
                ? EvaluationWriter.WritePredictions(p, splits.Test.ClassNames, outDir, predictionFormat)
                : [];
            if (keepPredictions && which == "patches")
                Console.Error.WriteLine("note: --save-predictions writes full-image predictions; add --mode both");
            var summary = new
            {
                model = classifier.Card.Source, architecture = classifier.Card.Architecture, format = classifier.Card.Format, dataset,
                tile = classifier.Card.Tile, device = classifier.Device.ToString(),
                precision = classifier.Compute.PrecisionName, precision_reason = classifier.Compute.PrecisionReason,
                memory_formats = classifier.MeasuredFormats.Count > 0
                    ? classifier.MeasuredFormats.ToDictionary(f => f.Key, f => $"{f.Value.ChosenName} ({f.Value.Describe()})")
                    : new Dictionary<string, string> { ["all"] = classifier.Compute.FormatName },
                notes = classifier.Card.Notes, results,
                predictions = predictionFiles, out_dir = outDir,
            };
            JsonOutput.WriteFile(Path.Combine(outDir, "eval.json"), summary);
            foreach (var r in results)
                Console.Error.WriteLine($"{r.Mode}: top-1 {r.Top1:P2}  top-5 {r.Top5:P2}  loss {r.Loss:F4}  ({r.Count:N0} images, {r.ImagesPerSecond:F0} img/s)");
            Console.Error.WriteLine($"results in {outDir}");
            if (parse.GetValue(json)) JsonOutput.Print(summary);
            return 0;
        });
        return command;
    }
}
