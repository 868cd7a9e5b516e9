using Myopia.IO;
using System.CommandLine;
using Myopia.Benchmarks;
using Myopia.Models;
using Myopia.Reporting;
using Myopia.Compute;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia bench</c>: training and inference throughput of a network on random data, next to
/// PyTorch's on the same machine in the same run (shared/peers/torch_reference.py).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "comma-separated networks to time", DefaultValueFactory = _ => "resnet9" };
        models.Aliases.Add("--model");
        var tiles = new Option<string>("--tiles") { Description = "comma-separated input sides T: the side of the square training crops and inference inputs timed", DefaultValueFactory = _ => "32" };
        tiles.Aliases.Add("--tile");
        var precisions = new Option<string>("--precisions") { Description = "comma-separated precisions to time, in both peers (fp32: default; bf16: autocast)", DefaultValueFactory = _ => "fp32,bf16" };
        var formats = new Option<string>("--memory-formats") { Description = "comma-separated activation layouts to time, in both peers", DefaultValueFactory = _ => "contiguous,channels-last" };
        var batch = CommonOptions.Batch();
        var steps = new Option<int>("--steps") { Description = "timed steps per measurement", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "untimed steps before timing", DefaultValueFactory = _ => 2 };
        var threads = CommonOptions.Threads();
        var classes = new Option<int>("--classes") { Description = "number of classes", DefaultValueFactory = _ => 10 };
        var channels = new Option<int>("--channels") { Description = "input channels (the PyTorch peer supports 3 only)", DefaultValueFactory = _ => 3 };
        var repeats = new Option<int>("--repeats") { Description = "interleaved Myopia/PyTorch measurements of every variant; figures are medians", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var withPeer = new Option<bool>("--peer") { Description = "also run the PyTorch peer (default)", DefaultValueFactory = _ => true };
        var noPeer = new Option<bool>("--no-peer") { Description = "measure Myopia only" };
        var peerScript = new Option<string?>("--peer-script") { Description = $"PyTorch reference script (default: ../{PytorchPeer.ScriptRelativePath} from the repository)" };
        var python = new Option<string>("--python") { Description = "interpreter with PyTorch (Debian's python3-torch)", DefaultValueFactory = _ => PytorchPeer.SystemPython };
        var output = new Option<string?>("--out") { Description = "also write bench.json and bench.md into this folder" };
        var json = CommonOptions.Json();
        var command = new Command("bench", "Images per second of training steps (Adam) and inference, Myopia against PyTorch on random data, " +
                                           "each in FP32 and BF16 autocast, contiguous and channels-last.")
        {
            models, tiles, precisions, formats, batch, steps, warmup, threads, classes, channels, repeats, withPeer, noPeer, peerScript, python, output, json,
        };
        command.SetAction(parse =>
        {
            var names = List(parse.GetValue(models)!, "--models").Select(n => ModelRegistry.Exists(n)
                ? ModelRegistry.Info(n).Name
                : throw new MyopiaException($"unknown model '{n}'; known models: {string.Join(", ", ModelRegistry.Names)}")).ToList();
            var sides = List(parse.GetValue(tiles)!, "--tiles").Select(t => int.TryParse(t, out var v) && v >= 1
                ? v : throw new MyopiaException($"--tiles: '{t}' is not a positive whole number")).ToList();
            var variants = (from p in List(parse.GetValue(precisions)!, "--precisions")
                            from f in List(parse.GetValue(formats)!, "--memory-formats")
                            select new ThroughputVariant(PrecisionOf(p), MemoryFormats.Parse(f) ?? throw new MyopiaException("--memory-formats: give contiguous and/or channels-last, not auto"))).ToList();
            var outDir = parse.GetValue(output) is { } o ? OutputFolder.Resolve(o, "bench") : null;
            var cases = new List<(ThroughputOptions Options, int Repeats)>();
            foreach (var name in names)
            foreach (var side in sides)
            {
                var options = new ThroughputOptions
                {
                    Model = name, Tile = side, Batch = parse.GetValue(batch), Steps = parse.GetValue(steps), Warmup = parse.GetValue(warmup),
                    Threads = parse.GetValue(threads), Classes = parse.GetValue(classes), Channels = parse.GetValue(channels),
                };
                options.Validate();
                ModelRegistry.CheckInputSide(name, new ModelOptions(options.Classes, options.Channels), side, "--tiles");
                cases.Add((options, parse.GetValue(repeats)));
            }
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var peer = parse.GetValue(withPeer) && !parse.GetValue(noPeer) ? FindPeer(parse.GetValue(peerScript), parse.GetValue(python)!) : null;
            var results = new List<ThroughputComparisonResult>();
            foreach (var (options, n) in cases)
            {
                Console.Error.WriteLine($"== {options.Model}, T = {options.Tile}");
                var result = new ThroughputComparison(options, peer, n, variants) { Progress = line => Console.Error.WriteLine(line) }.Run();
                PrintTable(result);
                results.Add(result);
            }
            var report = new BenchReport(results, Myopia.Devices.CpuFeatures.ModelName, Myopia.Devices.DeviceChoice.BackendPackage,
                Myopia.Compute.PrecisionChoice.Automatic(TorchSharp.torch.CPU).Reason);
            if (results.Count > 1) PrintSummary(results);
            if (outDir is not null)
            {
                JsonOutput.WriteFile(Path.Combine(outDir, "bench.json"), report);
                AtomicFile.WriteAllText(Path.Combine(outDir, "bench.md"), Markdown(report));
                Console.Error.WriteLine($"wrote {Path.Combine(outDir, "bench.json")} and bench.md");
            }
            if (parse.GetValue(json)) JsonOutput.Print(report);
            return 0;
        });
        command.Subcommands.Add(HeatmapCommand());
        command.Subcommands.Add(BenchShiftCommand.Create());
        command.Subcommands.Add(BenchDataCommand.Create());
        command.Subcommands.Add(BenchDiffeoCommand.Create());
        return command;
    }

    private static IReadOnlyList<string> List(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new MyopiaException($"{option} names nothing");
    }

    private static NumericPrecision PrecisionOf(string text) => text.ToLowerInvariant() switch
    {
        "fp32" => NumericPrecision.Fp32,
        "bf16" => NumericPrecision.Bf16,
        _ => throw new MyopiaException($"--precisions: '{text}' is neither fp32 nor bf16"),
    };

    private static Command HeatmapCommand()
    {
        var model = CommonOptions.Model("smallcnn");
        var tile = new Option<int>("--tile") { Description = "heatmap tile side", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var side = new Option<int>("--image") { Description = "image side", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var images = new Option<int>("--images") { Description = "images timed", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("heatmap", "Tile-heatmap speed: batched exact map vs a one-tile-at-a-time loop, and the dense map's speed-up.")
        {
            model, tile, side, images, threads, json,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string name = parse.GetValue(model)!;
            if (!ModelRegistry.Exists(name)) throw new MyopiaException($"unknown model '{name}'; known models: {string.Join(", ", ModelRegistry.Names)}");
            if (parse.GetValue(tile) > parse.GetValue(side))
                throw new MyopiaException($"--tile {parse.GetValue(tile)} is larger than the --image side {parse.GetValue(side)}");
            ModelRegistry.CheckInputSide(name, new ModelOptions(10, 3), parse.GetValue(tile), "--tile");
            var r = new HeatmapBenchmark(new HeatmapBenchmarkOptions(parse.GetValue(model)!, parse.GetValue(tile), parse.GetValue(side), parse.GetValue(images))).Run();
            Console.Error.WriteLine($"{r.Options.Model}, T={r.Options.Tile}, {r.Options.ImageSide}x{r.Options.ImageSide} images, {r.Threads} threads");
            Console.Error.WriteLine($"exact, batched:   {r.BatchedTilesPerSecond,10:F0} tiles/s ({r.ExactImagesPerSecond:F2} images/s)");
            Console.Error.WriteLine($"one tile a call:  {r.LoopTilesPerSecond,10:F0} tiles/s  -> batching is {r.BatchedSpeedup:F1}x faster");
            Console.Error.WriteLine($"dense (1 pass):   {r.DenseImagesPerSecond,10:F1} images/s -> {r.DenseSpeedup:F0}x faster than exact");
            if (parse.GetValue(json)) JsonOutput.Print(r);
            return 0;
        });
        return command;
    }

    private static PytorchPeer FindPeer(string? explicitScript, string python)
    {
        if (explicitScript is not null)
            return File.Exists(explicitScript)
                ? new PytorchPeer(Path.GetFullPath(explicitScript), python)
                : throw new MyopiaException($"--peer-script: file not found: {explicitScript}");
        var script = PytorchPeer.FindScript(AppContext.BaseDirectory) ?? PytorchPeer.FindScript(Environment.CurrentDirectory)
            // Not found: let the comparison report it in one line and carry on with Myopia's figures.
            ?? Path.Combine(Environment.CurrentDirectory, "..", PytorchPeer.ScriptRelativePath);
        return new PytorchPeer(script, python);
    }

    private static void PrintTable(ThroughputComparisonResult r)
    {
        Console.Error.WriteLine($"{r.Model}, T = {r.Tile}, batch {r.Batch}, {r.Params:N0} parameters, {r.Threads} threads, median of {r.Repeats}");
        Console.Error.WriteLine($"{"",-8} {"variant",-20} {"train img/s",12} {"eval img/s",12}");
        foreach (var m in r.Myopia) Console.Error.WriteLine($"{"myopia",-8} {m.Variant,-20} {m.TrainImgS,12:F1} {m.EvalImgS,12:F1}");
        foreach (var p in r.Pytorch) Console.Error.WriteLine($"{"pytorch",-8} {p.Variant,-20} {p.TrainImgS,12:F1} {p.EvalImgS,12:F1}   ({p.TorchVersion})");
        if (r.TrainVsPytorchFp32 is not null)
            Console.Error.WriteLine($"myopia best / pytorch fp32: train {r.TrainVsPytorchFp32:F2}x, eval {r.EvalVsPytorchFp32:F2}x");
        if (r.TrainVsPytorchBf16 is not null)
            Console.Error.WriteLine($"myopia best / pytorch bf16: train {r.TrainVsPytorchBf16:F2}x, eval {r.EvalVsPytorchBf16:F2}x");
        if (r.PeerNote is not null) Console.Error.WriteLine($"note: {r.PeerNote}");
    }

    private static void PrintSummary(IReadOnlyList<ThroughputComparisonResult> results)
    {
        Console.Error.WriteLine();
        foreach (var line in SummaryRows(results)) Console.Error.WriteLine(line);
    }

    private static IEnumerable<string> SummaryRows(IReadOnlyList<ThroughputComparisonResult> results)
    {
        yield return "| model, T | myopia best train (variant) | pytorch fp32 train | pytorch bf16 train | myopia best eval (variant) | pytorch fp32 eval | pytorch bf16 eval | train / fp32 | train / bf16 | eval / fp32 | eval / bf16 |";
        yield return "|---|---|---|---|---|---|---|---|---|---|---|";
        foreach (var r in results)
        {
            static string F(double? v) => v is { } x ? x.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
            static string X(double? v) => v is { } x ? x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "x" : "-";
            yield return $"| {r.Model}, {r.Tile} | {F(r.MyopiaBestTrain?.TrainImgS)} ({r.MyopiaBestTrain?.Variant}) | {F(r.PytorchFp32?.TrainImgS)} | {F(r.PytorchBf16BestTrain?.TrainImgS)} | " +
                         $"{F(r.MyopiaBestEval?.EvalImgS)} ({r.MyopiaBestEval?.Variant}) | {F(r.PytorchFp32?.EvalImgS)} | {F(r.PytorchBf16BestEval?.EvalImgS)} | " +
                         $"{X(r.TrainVsPytorchFp32)} | {X(r.TrainVsPytorchBf16)} | {X(r.EvalVsPytorchFp32)} | {X(r.EvalVsPytorchBf16)} |";
        }
    }

    private static string Markdown(BenchReport report)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Throughput, Myopia against PyTorch").AppendLine();
        md.AppendLine($"CPU: {report.Cpu}. Backend: {report.Backend}. Precision auto here: {report.AutomaticPrecision}.").AppendLine();
        foreach (var line in SummaryRows(report.Cases)) md.AppendLine(line);
        md.AppendLine().AppendLine("## Every variant (medians)").AppendLine();
        md.AppendLine("| model, T | peer | variant | train img/s | eval img/s |").AppendLine("|---|---|---|---|---|");
        foreach (var r in report.Cases)
        foreach (var v in r.Myopia.Concat(r.Pytorch))
            md.AppendLine(System.FormattableString.Invariant($"| {r.Model}, {r.Tile} | {v.Peer} | {v.Variant} | {v.TrainImgS:F1} | {v.EvalImgS:F1} |"));
        return md.ToString();
    }
}

/// <summary>What <c>myopia bench</c> measured: one comparison per network and input side, and the machine.</summary>
public sealed record BenchReport(IReadOnlyList<ThroughputComparisonResult> Cases, string Cpu, string Backend, string AutomaticPrecision);
