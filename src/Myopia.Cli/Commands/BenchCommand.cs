using Myopia.IO;
using System.CommandLine;
using Myopia.Benchmarks;
using Myopia.Models;
using Myopia.Reporting;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia bench</c>: training and inference throughput of a network on random data, next to
/// PyTorch's on the same machine in the same run (shared/peers/torch_reference.py).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model("resnet9");
        var tile = new Option<int>("--tile") { Description = "tile side T: the side of the square training crops and inference inputs timed", DefaultValueFactory = _ => 32 };
        var batch = CommonOptions.Batch();
        var steps = new Option<int>("--steps") { Description = "timed steps per measurement", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "untimed steps before timing", DefaultValueFactory = _ => 2 };
        var threads = CommonOptions.Threads();
        var classes = new Option<int>("--classes") { Description = "number of classes", DefaultValueFactory = _ => 10 };
        var channels = new Option<int>("--channels") { Description = "input channels (the PyTorch peer supports 3 only)", DefaultValueFactory = _ => 3 };
        var repeats = new Option<int>("--repeats") { Description = "alternating Myopia/PyTorch measurements; figures are medians", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var withPeer = new Option<bool>("--peer") { Description = "also run the PyTorch peer (default)", DefaultValueFactory = _ => true };
        var noPeer = new Option<bool>("--no-peer") { Description = "measure Myopia only" };
        var peerScript = new Option<string?>("--peer-script") { Description = $"PyTorch reference script (default: ../{PytorchPeer.ScriptRelativePath} from the repository)" };
        var python = new Option<string>("--python") { Description = "interpreter with PyTorch (Debian's python3-torch)", DefaultValueFactory = _ => PytorchPeer.SystemPython };
        var json = CommonOptions.Json();
        var command = new Command("bench", "Images per second of training steps (Adam) and inference, Myopia against PyTorch on random data.")
        {
            model, tile, batch, steps, warmup, threads, classes, channels, repeats, withPeer, noPeer, peerScript, python, json,
        };
        command.SetAction(parse =>
        {
            var options = new ThroughputOptions
            {
                Model = ModelRegistry.Exists(parse.GetValue(model)!)
                    ? ModelRegistry.Info(parse.GetValue(model)!).Name
                    : throw new MyopiaException($"unknown model '{parse.GetValue(model)}'; known models: {string.Join(", ", ModelRegistry.Names)}"),
                Tile = parse.GetValue(tile),
                Batch = parse.GetValue(batch),
                Steps = parse.GetValue(steps),
                Warmup = parse.GetValue(warmup),
                Threads = parse.GetValue(threads),
                Classes = parse.GetValue(classes),
                Channels = parse.GetValue(channels),
            };
            options.Validate();
            CommonOptions.ApplyThreads(options.Threads);
            var peer = parse.GetValue(withPeer) && !parse.GetValue(noPeer) ? FindPeer(parse.GetValue(peerScript), parse.GetValue(python)!) : null;
            var comparison = new ThroughputComparison(options, peer, parse.GetValue(repeats))
            {
                Progress = line => Console.Error.WriteLine(line),
            };
            var result = comparison.Run();
            PrintTable(result);
            if (parse.GetValue(json)) JsonOutput.Print(result);
            return 0;
        });
        command.Subcommands.Add(HeatmapCommand());
        return command;
    }

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
        var m = r.Myopia;
        Console.Error.WriteLine($"{m.Model}, tile {m.Tile}, batch {m.Batch}, {m.Params:N0} parameters, {m.Threads} threads, median of {r.Repeats}");
        Console.Error.WriteLine($"{"",-8} {"train img/s",12} {"eval img/s",12}");
        Console.Error.WriteLine($"{"myopia",-8} {m.TrainImgS,12:F1} {m.EvalImgS,12:F1}");
        if (r.Pytorch is { } p)
        {
            Console.Error.WriteLine($"{"pytorch",-8} {p.TrainImgS,12:F1} {p.EvalImgS,12:F1}   ({p.TorchVersion})");
            Console.Error.WriteLine($"{"ratio",-8} {r.TrainRatio,12:F3} {r.EvalRatio,12:F3}");
        }
    }
}
