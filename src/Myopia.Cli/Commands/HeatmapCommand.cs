using Myopia.IO;
using System.CommandLine;
using Myopia.Analysis.TileStudy;
using Myopia.Cli.Terminal;
using Myopia.Data;
using Myopia.Reporting;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia heatmap</c>: per-tile class evidence over test images, exact (one tile per pixel) and/or dense.</summary>
public static class HeatmapCommand
{
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint();
        var data = new Option<string?>("--data") { Description = "dataset (default: the checkpoint's)" };
        var dataDir = CommonOptions.DataDir();
        var tile = CommonOptions.Tile();
        tile.Description = "tile side T (default: the model's training tile, else 8)";
        var stride = new Option<int>("--stride") { Description = "compute every s-th pixel and upsample", DefaultValueFactory = _ => 1 };
        var count = new Option<int>("--count") { Description = "number of test images (spread over the test set)", DefaultValueFactory = _ => 8 };
        var indices = new Option<string?>("--images") { Description = "comma-separated test image indices (instead of --count)" };
        var ofClasses = new Option<string?>("--of-classes") { Description = "pick the --count images among these true classes (names or indices, comma-separated), shared evenly, e.g. airplane,automobile" };
        var target = new Option<HeatmapTarget>("--target") { Description = "class of interest: predicted, label or class", DefaultValueFactory = _ => HeatmapTarget.Predicted };
        var cls = new Option<int?>("--class") { Description = "class index for --target class (also the probability map's class)" };
        var mode = new Option<string>("--mode") { Description = "exact, dense or both (dense needs a global-average-pooling model)", DefaultValueFactory = _ => "exact" };
        mode.AcceptOnlyFromAmong("exact", "dense", "both");
        var output = CommonOptions.Out();
        output.Required = true;
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("heatmap", "Tile heatmaps: the evidence each T x T tile gives for the class of interest, over the image.")
        {
            checkpoint, data, dataDir, tile, stride, count, indices, ofClasses, target, cls, mode, output, json, threads,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(threads) is > 0 and var n) TorchSharp.torch.set_num_threads(n);
            var (info, model) = Checkpoint.Load(parse.GetValue(checkpoint)!);
            using var _ = model;
            string dataset = parse.GetValue(data) ?? info.Dataset;
            using var splits = DataLoading.Load(dataset, parse.GetValue(dataDir) ?? (dataset == info.Dataset ? info.DataDir : null), trainLimit: 1);
            var picked = ImageSelection.Pick(splits.Test, parse.GetValue(indices), parse.GetValue(count), parse.GetValue(ofClasses));
            using var images = new ImageDataset(splits.Test.Name, splits.Test.Images.index_select(0, tensor(picked)), splits.Test.Labels.index_select(0, tensor(picked)), splits.Test.ClassNames);
            int t = parse.GetValue(tile) ?? info.Tile ?? 8;
            var options = new TileHeatmapOptions(t, parse.GetValue(stride), parse.GetValue(target), parse.GetValue(cls));
            var heatmap = new TileHeatmap(model, info.Normalization, options);
            var outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            var planar = picked.Select((_, i) => images.Images[i].contiguous().data<byte>().ToArray()).ToArray();
            string which = parse.GetValue(mode)!;
            // On the synthetic set the class motifs are known: outline them and say how much evidence sits on them.
            var motifs = EvidenceLocalizer.SyntheticMotifs(dataset, picked);
            TileHeatmapResult? exact = null, dense = null;
            if (which is "exact" or "both")
            {
                exact = ProgressDisplay.Run(sink =>
                {
                    sink.Start($"tile heatmaps T={t}", images.Count);
                    var r = heatmap.Compute(images, (done, _) => sink.Report(done));
                    sink.Finish($"tile heatmaps T={t}: {r.TilesPerSecond:F0} tiles/s");
                    return r;
                });
                Write(exact, planar, outDir, picked, info, t, motifs);
            }
            if (which is "dense" or "both")
            {
                dense = heatmap.ComputeDense(images);
                Write(dense, planar, outDir, picked, info, t, motifs);
            }
            var onMotifs = motifs is null ? null : EvidenceLocalizer.Measure((exact ?? dense)!.Images, motifs, t);
            if (onMotifs is not null)
                Console.Error.WriteLine($"probability of the class of interest: {onMotifs.MeanProbabilityOnObjects:F3} where the tile holds a whole class motif " +
                                        $"({onMotifs.ShareOfPixelsOnObjects:P0} of pixels), {onMotifs.MeanProbabilityElsewhere:F3} elsewhere");
            (double ClassAgreement, double LogitCorrelation)? agreement = exact is not null && dense is not null ? TileHeatmap.Agreement(exact, dense) : null;
            var summary = new
            {
                checkpoint = Path.GetFullPath(parse.GetValue(checkpoint)!), model = info.Model, trained_tile = info.Tile, tile = t, stride = options.Stride,
                target = options.Target.ToString().ToLowerInvariant(), images = picked,
                exact_tiles_per_s = exact?.TilesPerSecond, dense_pixels_per_s = dense?.TilesPerSecond,
                dense_class_agreement = agreement?.ClassAgreement, dense_logit_correlation = agreement?.LogitCorrelation,
                evidence_on_motifs = onMotifs,
                predictions = (exact ?? dense)!.Images.Select(m => new { index = picked[m.Index], label = m.Label, predicted = m.FullPrediction }).ToArray(),
            };
            JsonOutput.WriteFile(Path.Combine(outDir, "heatmap.json"), summary);
            if (parse.GetValue(json)) JsonOutput.Print(summary);
            else
            {
                System.Console.Error.WriteLine($"heatmaps written to {Path.GetFullPath(outDir)}");
                if (agreement is { } a) System.Console.Error.WriteLine($"dense vs exact: class agreement {a.ClassAgreement:P1}, logit correlation {a.LogitCorrelation:F3}");
            }
            return 0;
        });
        return command;
    }

    private static void Write(TileHeatmapResult r, byte[][] planar, string outDir, long[] picked, CheckpointInfo info, int tile,
        IReadOnlyList<IReadOnlyList<ObjectBox>>? boxes)
    {
        string tag = $"{r.Mode}-t{tile}";
        string trained = info.Tile is { } tt ? $"{tt}x{tt} tiles" : "full images";
        HeatmapRenderer.WriteGrid(r, planar, Path.Combine(outDir, $"heatmap-{tag}.png"), m => m.MaskedLogit,
            $"{info.Model} ({trained}), T={tile}, {r.Mode}: masked max logit", boxes);
        HeatmapRenderer.WriteGrid(r, planar, Path.Combine(outDir, $"probability-{tag}.png"), m => m.Probability,
            $"{info.Model} ({trained}), T={tile}, {r.Mode}: class probability", boxes);
        var arrays = Path.Combine(outDir, "arrays");
        foreach (var m in r.Images)
        {
            string stem = Path.Combine(arrays, $"{tag}-image{picked[m.Index]}");
            NpyWriter.Write(stem + "-max-logit.npy", m.MaxLogit, m.Height, m.Width);
            NpyWriter.Write(stem + "-masked-logit.npy", m.MaskedLogit, m.Height, m.Width);
            NpyWriter.Write(stem + "-probability.npy", m.Probability, m.Height, m.Width);
            NpyWriter.Write(stem + "-class-map.npy", m.ClassMap, m.Height, m.Width);
        }
    }
}
