using System.CommandLine;
using System.Globalization;
using Myopia.Analysis.ShiftStudy;
using Myopia.Classifiers;
using Myopia.Cli.Terminal;
using Myopia.IO;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia shift</c>: how often 1-pixel shifts and rescalings change a model's prediction (Azulay & Weiss; Zhang).</summary>
public static class ShiftCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataOrModels();
        var dataDir = CommonOptions.DataDir();
        var protocol = new Option<string>("--protocol")
        {
            Description = "azulay-crop, azulay-black, azulay-mean, azulay-inpaint (eight 1-px diagonal pairs an image), azulay-rescale (sizes d-4..d+4), size-sweep (s = 0.1..1.9), " +
                          "diagonal (p_true at offsets (t, t)), zhang (consistency of random crops), zhang-circular, cifar-circular (circular shifts, +-3 on 32 px); " +
                          "internal (cosine distance per layer between shifted feature maps and maps of circularly shifted images, shifts 0..--max-shift); " +
                          "every preset adapts to the image side",
            DefaultValueFactory = _ => "azulay-black",
        }.AcceptOnlyFromAmong([.. ShiftProtocols.Names, "internal"]);
        var scale = new Option<double?>("--scale") { Description = "Azulay's s: crop area fraction (azulay-crop, default 1.0) or side ratio of the embedding (d = side / s, default 1.3)" };
        var embed = new Option<int?>("--embed") { Description = "side d of the embedded image (azulay-black/mean/inpaint; overrides --scale), e.g. 24 on CIFAR" }.AtLeast(1);
        var maxShift = new Option<int?>("--max-shift") { Description = "diagonal: largest offset K; zhang, zhang-circular: offsets 0..N-1; cifar-circular: offsets -N..N" }.AtLeast(1);
        var background = new Option<string>("--background") { Description = "size-sweep and azulay-rescale background: black, mean or inpaint", DefaultValueFactory = _ => "black" }
            .AcceptOnlyFromAmong(Backgrounds.Names);
        var boundary = new Option<string?>("--boundary") { Description = "diagonal: crop (default), circular or zero" }.AcceptOnlyFromAmong(ShiftBoundaries.Names);
        var step = new Option<double>("--step") { Description = "diagonal: step of the walk in pixels; below 1, sub-pixel bilinear shifts (zero boundary unless --boundary circular)", DefaultValueFactory = _ => 1.0 };
        var pairs = new Option<int>("--pairs") { Description = "random offset pairs per image (zhang, zhang-circular, cifar-circular)", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var noWorst = new Option<bool>("--no-worst-case") { Description = "skip the worst case over every offset of the range (consistency protocols)" };
        var compare = new Option<string>("--compare-antialias")
        {
            Description = "also measure the same weights with BlurPool of these filter sizes (1-7, comma-separated, e.g. 1,2,3,4,5,6,7) before every subsampling " +
                          "(Zhang 2019), each a surgery copy measured on the same views; 0: no",
            DefaultValueFactory = _ => "0",
        };
        compare.Validators.Add(r =>
        {
            try { FilterSizes(OptionRules.Value<string>(r) ?? "0"); }
            catch (MyopiaException e) { r.AddError(e.Message); }
        });
        var seed = new Option<int>("--seed") { Description = "seed of random crops and offsets (per image, independent of batching)", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "images (views) per forward pass", DefaultValueFactory = _ => 512 }.AtLeast(1);
        var testLimit = CommonOptions.TestLimit(defaultValue: 1000);
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("shift", "How often a 1-pixel shift or a rescaling changes a model's prediction: P(top-1 change), MAC, accuracy, consistency, " +
                                           "stability curves, per-image rows, jaggedness and the worst case, for Azulay & Weiss's and Zhang's protocols.")
        {
            data, dataDir, protocol, scale, embed, maxShift, background, boundary, step, pairs, noWorst, compare, seed, batch, testLimit, output, json, threads,
        };
        var model = new ModelSpecOptions().AddTo(command);
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var sizes = FilterSizes(parse.GetValue(compare)!);
            if (parse.GetValue(protocol) == "internal" && sizes.Count > 1)
                throw new MyopiaException($"--protocol internal compares one BlurPool filter size, got {sizes.Count} ({string.Join(',', sizes)}): run it once per size");
            var settings = new ShiftSettings(parse.GetValue(scale), parse.GetValue(embed), parse.GetValue(maxShift), Backgrounds.Parse(parse.GetValue(background)!),
                parse.GetValue(boundary) is { } b ? ShiftBoundaries.Parse(b) : null, parse.GetValue(pairs), parse.GetValue(seed), !parse.GetValue(noWorst), parse.GetValue(step));
            var (dataset, dir) = model.Dataset(parse, data, dataDir);
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "shift");
            using var splits = DataLoading.Load(dataset, dir, trainLimit: 1, testLimit: parse.GetValue(testLimit));
            DataLoading.RecordSkipped(splits, outDir);
            using var classifier = model.Load(parse, DataDefaults.Of(splits));
            if (parse.GetValue(protocol) == "internal")
            {
                var internalOptions = new InternalShiftOptions(parse.GetValue(maxShift) ?? Math.Max(1, Math.Min(splits.Test.Height, splits.Test.Width) / 4),
                    sizes.Count == 1 ? sizes[0] : 0, Math.Max(1, parse.GetValue(batch) / 8));
                var distances = ProgressDisplay.Analysis((progress, cancel) => new InternalShiftDistance(classifier, internalOptions).Run(splits.Test, progress, cancel));
                var maps = InternalShiftWriter.Write(distances, classifier, outDir);
                Console.Error.WriteLine($"results in {outDir} ({maps.Count} figures)");
                if (parse.GetValue(json)) { JsonOutput.Print(distances.Headline()); return 0; }
                var layerTable = new Table().Title($"{classifier.Label}: internal shift distance ({distances.Images} images)")
                    .AddColumns(["model", "layer", "stride", .. distances.Shifts.Select(s => $"({s},{s})")]);
                foreach (var l in distances.Layers)
                    layerTable.AddRow([l.Model, Markup.Escape($"{l.Layer} {l.Type}"), double.IsInfinity(l.Stride) ? "global" : l.Stride.ToString("0.#", CultureInfo.InvariantCulture),
                        .. l.Distance.Select(d => d.ToString("F3", CultureInfo.InvariantCulture))]);
                AnsiConsole.Write(layerTable);
                return 0;
            }
            var options = new ShiftOptions(parse.GetValue(protocol)!, settings, sizes, parse.GetValue(batch));
            var result = ProgressDisplay.Analysis((progress, cancel) => new ShiftSensitivity(classifier, options).Run(splits.Test, progress, cancel));
            var figures = ShiftWriter.Write(result, classifier, outDir);
            Console.Error.WriteLine($"results in {outDir} ({figures.Count} figures)");
            if (parse.GetValue(json)) { JsonOutput.Print(result.Headline()); return 0; }
            string P(double v) => double.IsNaN(v) ? "" : v.ToString("P1", CultureInfo.InvariantCulture);
            var table = new Table().Title($"{classifier.Label}: {result.Protocol} ({result.Images} images)")
                .AddColumns("model", "condition", "pairs", "P(top-1 change)", "MAC", "accuracy", "consistency", "worst case", "jaggedness");
            foreach (var m in result.Measurements)
                table.AddRow(m.Model, Markup.Escape(m.Condition), m.Pairs.ToString(CultureInfo.InvariantCulture), P(m.PChange),
                    double.IsNaN(m.Mac) ? "" : m.Mac.ToString("F4", CultureInfo.InvariantCulture), P(m.Accuracy),
                    m.Consistency is { } c ? P(c) : "", P(m.WorstCase), m.Jaggedness is { } j ? j.ToString("F2", CultureInfo.InvariantCulture) : "");
            AnsiConsole.Write(table);
            return 0;
        });
        command.Subcommands.Add(ShiftScatterCommand.Create());
        return command;
    }

    /// <summary>"1,2,3" to [1, 2, 3]; "0" (or 0 anywhere) to nothing; repeats dropped; each must be 0..7.</summary>
    public static IReadOnlyList<int> FilterSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int m) || m < 0 || m > Models.ModelOptions.MaxFilterSize)
                throw new MyopiaException($"--compare-antialias takes 0 or filter sizes 1..{Models.ModelOptions.MaxFilterSize}, comma-separated; got '{part}' in '{text}'");
            if (m > 0 && !sizes.Contains(m)) sizes.Add(m);
        }
        return sizes;
    }
}
