using Myopia.IO;
using System.CommandLine;
using Myopia.Analysis.TileStudy;
using Myopia.Cli.Terminal;
using Myopia.Data;
using Myopia.Reporting;
using Myopia.Classifiers;
using static TorchSharp.torch;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia heatmap</c>: per-tile class evidence over test images, exact (one tile per pixel) and/or dense.</summary>
public static class HeatmapCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataOrModels();
        var dataDir = CommonOptions.DataDir();
        var tile = CommonOptions.Tile();
        tile.Description = "tile side T (default: the model's training tile, else 8)";
        var stride = new Option<int>("--stride") { Description = "compute every s-th pixel and upsample", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var count = new Option<int>("--test-limit", "--count") { Description = "number of test images (spread over the test set)", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var indices = new Option<string?>("--indices", "--images") { Description = "comma-separated test image indices (instead of --test-limit)" };
        var ofClasses = new Option<string?>("--of-classes") { Description = "pick the --test-limit images among these true classes (names or indices, comma-separated), shared evenly, e.g. airplane,automobile" };
        var target = new Option<string>("--target") { Description = "class of interest: predicted, label or class", DefaultValueFactory = _ => "predicted" };
        target.AcceptOnlyFromAmong("predicted", "label", "class");
        var cls = new Option<int?>("--class") { Description = "class index for --target class (also the probability map's class)" }.AtLeast(0);
        var mode = new Option<string>("--mode") { Description = "exact, dense or both (dense needs a global-average-pooling model)", DefaultValueFactory = _ => "exact" };
        mode.AcceptOnlyFromAmong("exact", "dense", "both");
        var batch = CommonOptions.Batch(128);
        batch.Description = "each forward pass holds at most this many full images' worth of tile pixels; bounds memory (left at its default it counts 32x32 images, so larger photos go fewer at a time)";
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var scale = new Option<string>("--scale") { Description = "colour scale of the grids: shared (one for all images, comparable) or per-image", DefaultValueFactory = _ => "shared" };
        scale.AcceptOnlyFromAmong("shared", "per-image");
        var command = new Command("heatmap", "Tile heatmaps: the evidence each T x T tile gives for the class of interest, over the image.")
        {
            data, dataDir, tile, stride, count, indices, ofClasses, target, cls, mode, scale, batch, output, json, threads,
        };
        var model = new ModelSpecOptions().AddTo(command);
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            CommonOptions.Positive(parse.GetValue(count), "--test-limit");
            var (dataset, dir) = model.Dataset(parse, data, dataDir);
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "heatmap");
            using var splits = DataLoading.Load(dataset, dir, trainLimit: 1);
            DataLoading.RecordSkipped(splits, outDir);
            using var classifier = model.Load(parse, DataDefaults.Of(splits));
            var picked = ImageSelection.Pick(splits.Test, parse.GetValue(indices), parse.GetValue(count), parse.GetValue(ofClasses));
            using var images = splits.Test.Select(picked);
            int t = parse.GetValue(tile) ?? classifier.Card.Tile ?? 8;
            var targetKind = Enum.Parse<HeatmapTarget>(parse.GetValue(target)!, ignoreCase: true);
            var options = new TileHeatmapOptions(t, parse.GetValue(stride), targetKind, parse.GetValue(cls),
                PatchBatch: PatchLogits.PatchesPerPass(CommonOptions.ImageBatch(parse, batch, images), images.Height, images.Width, t));
            var planar = picked.Select((_, i) => { using var one = images.Read(i, 1); return one.contiguous().data<byte>().ToArray(); }).ToArray();
            string which = parse.GetValue(mode)!;
            // On the synthetic set the class motifs are known: outline them and say how much evidence sits on them.
            var motifs = EvidenceLocalizer.SyntheticMotifs(dataset, picked);
            // The maps are streamed: each image's are written as soon as they are computed and only
            // what the summary needs is kept (the figure's first images, running statistics, and for
            // --mode both the exact class map and logit the dense map is compared with).
            var evidence = motifs is null ? null : new EvidenceTally(t);
            var predictions = new List<(int Index, int Label, int Predicted)>();
            void Summarize(ImageHeatmap m)
            {
                evidence?.Add(m, motifs![m.Index]);
                predictions.Add((m.Index, m.Label, m.FullPrediction));
            }
            var exactForComparison = which == "both" ? new Dictionary<int, ImageHeatmap>() : null;
            TileHeatmapResult? exact = null, dense = null;
            if (which is "exact" or "both")
            {
                var writer = new HeatmapWriter(outDir, "exact", t, picked, planar, classifier, motifs) { Scale = GridScale(parse.GetValue(scale)) };
                exact = ProgressDisplay.Analysis((progress, cancel) => new TileHeatmap(classifier, options)
                {
                    Sink = m =>
                    {
                        writer.Add(m);
                        Summarize(m);
                        exactForComparison?.Add(m.Index, m with { MaxLogit = [], MaskedLogit = [], Probability = [] });
                    },
                }.Run(images, progress, cancel));
                Console.Error.WriteLine($"exact tile heatmaps T={t}: {exact.TilesPerSecond:F0} tiles/s");
                writer.Finish(exact);
            }
            var agreementTally = exactForComparison is null ? null : new HeatmapAgreement();
            if (which is "dense" or "both")
            {
                var writer = new HeatmapWriter(outDir, "dense", t, picked, planar, classifier, motifs) { Scale = GridScale(parse.GetValue(scale)) };
                dense = ProgressDisplay.Analysis((progress, cancel) => new TileHeatmap(classifier, options with { Mode = HeatmapMode.Dense })
                {
                    Sink = m =>
                    {
                        writer.Add(m);
                        if (exact is null) Summarize(m);
                        if (exactForComparison is not null && exactForComparison.Remove(m.Index, out var e)) agreementTally!.Add(e, m);
                    },
                }.Run(images, progress, cancel));
                writer.Finish(dense);
            }
            var onMotifs = evidence?.Result;
            if (onMotifs is not null)
                Console.Error.WriteLine($"probability of the class of interest: {onMotifs.MeanProbabilityOnObjects:F3} where the tile holds a whole class motif " +
                                        $"({onMotifs.ShareOfPixelsOnObjects:P0} of pixels), {onMotifs.MeanProbabilityElsewhere:F3} elsewhere");
            (double ClassAgreement, double LogitCorrelation)? agreement = exact is not null && dense is not null ? agreementTally!.Result : null;
            var summary = new
            {
                model = classifier.Card.Source, architecture = classifier.Card.Architecture, trained_tile = classifier.Card.Tile, tile = t, stride = options.Stride,
                target = options.Target.ToString().ToLowerInvariant(), images = picked,
                exact_tiles_per_s = exact?.TilesPerSecond, dense_pixels_per_s = dense?.TilesPerSecond,
                dense_class_agreement = agreement?.ClassAgreement, dense_logit_correlation = agreement?.LogitCorrelation,
                evidence_on_motifs = onMotifs,
                predictions = predictions.Select(m => new { index = picked[m.Index], label = m.Label, predicted = m.Predicted }).ToArray(),
            };
            JsonOutput.WriteFile(Path.Combine(outDir, "heatmap.json"), summary);
            if (parse.GetValue(json)) JsonOutput.Print(summary);
            else
            {
                System.Console.Error.WriteLine($"heatmaps written to {outDir}");
                if (agreement is { } a) System.Console.Error.WriteLine($"dense vs exact: class agreement {a.ClassAgreement:P1}, logit correlation {a.LogitCorrelation:F3}");
            }
            return 0;
        });
        return command;
    }

    private static HeatmapScale GridScale(string? name) => name == "per-image" ? HeatmapScale.PerImage : HeatmapScale.Shared;
}
