using Myopia.IO;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Myopia.Evaluation;
using Myopia.Reporting;
using Myopia.Training;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia eval</c>: accuracy of a checkpoint on a test set, on full images (mode A) and/or by patch-averaged logits (mode B).</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint();
        var data = new Option<string?>("--data") { Description = "dataset (default: the one the checkpoint was trained on)" };
        var dataDir = CommonOptions.DataDir();
        var mode = new Option<string>("--mode") { Description = "full (whole images through the network), patches (mean logits over T x T patches) or both", DefaultValueFactory = _ => "full" };
        mode.AcceptOnlyFromAmong("full", "patches", "both");
        var tile = CommonOptions.Tile();
        tile.Description = "patch side T for --mode patches (default: the tile size the model was trained on)";
        var stride = new Option<int>("--stride") { Description = "patch stride for --mode patches", DefaultValueFactory = _ => 1 };
        var batch = CommonOptions.Batch(256);
        var testLimit = new Option<int?>("--test-limit") { Description = "use only N test images (a fixed random subset, the same in every run)" };
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Evaluate a checkpoint: top-1/top-5, per-class accuracy and the confusion matrix.")
        {
            checkpoint, data, dataDir, mode, tile, stride, batch, testLimit, threads, output, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is > 0 and var n) TorchSharp.torch.set_num_threads(n);
            var path = Checkpoint.Resolve(parse.GetValue(checkpoint)!);
            var (info, model) = Checkpoint.Load(path);
            using var _ = model;
            string dataset = parse.GetValue(data) ?? info.Dataset;
            string? dir = parse.GetValue(dataDir) ?? (dataset == info.Dataset ? info.DataDir : null);
            using var splits = DataLoading.Load(dataset, dir, trainLimit: 1, testLimit: parse.GetValue(testLimit));
            if (splits.Test.ClassCount != info.Classes)
                throw new MyopiaException($"the checkpoint has {info.Classes} classes but {dataset} has {splits.Test.ClassCount}");

            var results = new List<EvaluationResult>();
            string which = parse.GetValue(mode)!;
            if (which is "full" or "both")
                results.Add(ProgressRun($"full images", splits.Test.Count,
                    report => new FullImageEvaluator(model, info.Normalization, parse.GetValue(batch)).Evaluate(splits.Test, report)));
            if (which is "patches" or "both")
            {
                int t = parse.GetValue(tile) ?? info.Tile ?? throw new MyopiaException("--mode patches needs --tile (the model was trained on full images)");
                results.Add(PatchEvaluation.Run(model, info.Normalization, splits.Test, t, parse.GetValue(stride), parse.GetValue(batch)));
            }

            var outDir = parse.GetValue(output);
            if (outDir is not null) Write(outDir, path, results);
            foreach (var r in results)
                Console.Error.WriteLine($"{r.Mode}: top-1 {r.Top1:P2}  top-5 {r.Top5:P2}  loss {r.Loss:F4}  ({r.Count:N0} images, {r.ImagesPerSecond:F0} img/s)");
            if (parse.GetValue(json))
                JsonOutput.Print(new { checkpoint = path, dataset, model = info.Model, tile = info.Tile, results });
            return 0;
        });
        return command;
    }

    private static EvaluationResult ProgressRun(string label, long total, Func<Action<long, long>, EvaluationResult> work) =>
        Terminal.ProgressDisplay.Run(sink =>
        {
            sink.Start(label, total);
            var r = work((done, _) => sink.Report(done));
            sink.Finish($"{label}: top-1 {r.Top1:P2}");
            return r;
        });

    private static void Write(string outDir, string checkpoint, List<EvaluationResult> results)
    {
        Directory.CreateDirectory(outDir);
        foreach (var r in results)
        {
            var csv = new StringBuilder("true\\predicted," + string.Join(',', r.ClassNames) + "\n");
            for (int t = 0; t < r.ClassNames.Count; t++)
                csv.Append(r.ClassNames[t]).Append(',').Append(string.Join(',', r.ConfusionMatrix[t])).Append('\n');
            AtomicFile.WriteAllText(Path.Combine(outDir, $"confusion-{r.Mode}.csv"), csv.ToString());
            TrainingPlots.Confusion(r, $"{Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(checkpoint)))}: {r.Mode}, top-1 {100 * r.Top1:F2}%",
                Path.Combine(outDir, $"confusion-{r.Mode}.png"));
            var perClass = new StringBuilder("class,accuracy\n");
            for (int t = 0; t < r.ClassNames.Count; t++)
                perClass.Append(r.ClassNames[t]).Append(',').Append(r.PerClassAccuracy[t].ToString("F4", CultureInfo.InvariantCulture)).Append('\n');
            AtomicFile.WriteAllText(Path.Combine(outDir, $"per-class-{r.Mode}.csv"), perClass.ToString());
        }
        JsonOutput.WriteFile(Path.Combine(outDir, "eval.json"), new { checkpoint, results });
    }
}
