using System.CommandLine;
using System.Globalization;
using Myopia.Benchmarks;
using Myopia.IO;
using Myopia.Models;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia bench diffeo</c>: deformed images per second of the max-entropy generator and seconds per layer-wise
/// D/G/R pass, Myopia against PyTorch doing the same arithmetic the authors' way
/// (src/Myopia/Benchmarks/Peers/diffeo_peer.py), side by side in one run.
/// </summary>
public static class BenchDiffeoCommand
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "the registry network of the D/G/R pass, fresh seeded weights, eval mode", DefaultValueFactory = _ => "resnet18" };
        models.Aliases.Add("--model");
        var tile = new Option<int>("--tile") { Description = "side n of the random images (32: CIFAR-like)", DefaultValueFactory = _ => 32 };
        var images = new Option<int>("--images") { Description = "generator: random float64 images deformed per timed run", DefaultValueFactory = _ => 1000 };
        var deformBatch = new Option<int>("--deform-batch") { Description = "generator: images per batch", DefaultValueFactory = _ => 100 };
        var probes = new Option<int>("--probes") { Description = "D/G/R pass: probe images P", DefaultValueFactory = _ => 500 };
        var batch = new Option<int>("--batch") { Description = "D/G/R pass: probes per chunk (both sides)", DefaultValueFactory = _ => 100 };
        var displacement = new Option<double>("--displacement") { Description = "δ, typical displacement in pixels", DefaultValueFactory = _ => 1.0 };
        var cutoff = new Option<int>("--cutoff") { Description = "c, the highest mode", DefaultValueFactory = _ => 3 };
        var repeats = new Option<int>("--repeats") { Description = "interleaved measurements of every way; figures are medians", DefaultValueFactory = _ => 3 };
        var threads = CommonOptions.Threads();
        var classes = new Option<int>("--classes") { Description = "number of classes", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "seed of the weights, the images and the draws", DefaultValueFactory = _ => 0 };
        var noPeer = new Option<bool>("--no-peer") { Description = "measure Myopia only" };
        var noGenerator = new Option<bool>("--no-generator") { Description = "skip the deformed-images-per-second measurement" };
        var noPass = new Option<bool>("--no-pass") { Description = "skip the D/G/R pass" };
        var float32 = new Option<bool>("--float32") { Description = "run the pass in float32 on both sides (the authors: float64)" };
        var pytorchBatched = new Option<bool>("--pytorch-batched") { Description = "also time diff.py's arithmetic batched in PyTorch (default; --pytorch-batched false to skip)", DefaultValueFactory = _ => true };
        var peerScript = new Option<string?>("--peer-script") { Description = $"the PyTorch diffeo peer (default: peers/{DiffeoPeer.ScriptName} beside the CLI)" };
        var python = new Option<string>("--python") { Description = "interpreter with PyTorch (Debian's python3-torch)", DefaultValueFactory = _ => PytorchPeer.SystemPython };
        var output = new Option<string?>("--out") { Description = "also write bench-diffeo.json and bench-diffeo.md into this folder" };
        var json = CommonOptions.Json();
        var command = new Command("diffeo", "Deformed images per second and seconds per layer-wise D/G/R pass: Myopia against PyTorch doing the authors' " +
                                            "arithmetic (diff.py, matched noise, the mean estimator), interleaved in one run.")
        {
            models, tile, images, deformBatch, probes, batch, displacement, cutoff, repeats, threads, classes, seed, noPeer, noGenerator, noPass, float32, pytorchBatched,
            peerScript, python, output, json,
        };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length != 1) throw new MyopiaException($"--models takes one network for bench diffeo, got {names.Length}");
            var name = ModelRegistry.Exists(names[0]) ? ModelRegistry.Info(names[0]).Name
                : throw new MyopiaException($"unknown model '{names[0]}'; known models: {string.Join(", ", ModelRegistry.Names)}");
            var options = new DiffeoBenchOptions(name, parse.GetValue(tile), parse.GetValue(images), parse.GetValue(deformBatch), parse.GetValue(probes),
                parse.GetValue(batch), parse.GetValue(displacement), parse.GetValue(cutoff), parse.GetValue(repeats), parse.GetValue(threads),
                parse.GetValue(classes), parse.GetValue(seed), !parse.GetValue(noGenerator), !parse.GetValue(noPass), parse.GetValue(pytorchBatched), !parse.GetValue(float32));
            options.Validate();
            var outDir = parse.GetValue(output) is { } o ? OutputFolder.Resolve(o, "bench-diffeo") : null;
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            DiffeoPeer? peer = null;
            if (!parse.GetValue(noPeer))
            {
                var located = DiffeoPeer.Locate(parse.GetValue(python)!);
                peer = parse.GetValue(peerScript) is { } explicitScript
                    ? File.Exists(explicitScript) ? new DiffeoPeer(Path.GetFullPath(explicitScript), located.Python, located.Reference)
                        : throw new MyopiaException($"--peer-script: file not found: {explicitScript}")
                    : located;
            }
            if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
                Console.Error.WriteLine("note: OMP_WAIT_POLICY is not set; on a shared machine set OMP_WAIT_POLICY=PASSIVE for stable figures (both peers inherit it)");
            string load = SystemLoad.Describe();
            var parts = new List<string>();
            if (options.Generator) parts.Add($"{options.Images} random {options.Tile}x{options.Tile} float64 images deformed");
            if (options.Pass) parts.Add($"{name}, {options.Probes} probes per layer-wise D/G/R pass in {(options.Float64 ? "float64" : "float32")}");
            Console.Error.WriteLine($"== {string.Join("; ", parts)}");
            var result = new DiffeoBenchmark(options, peer) { Progress = line => Console.Error.WriteLine(line) }.Run();
            load = $"{load} before, {SystemLoad.Describe()} after";
            var report = new DiffeoBenchReport(result, Myopia.Devices.CpuFeatures.ModelName, Myopia.Devices.DeviceChoice.BackendPackage, load);
            if (outDir is not null)
            {
                JsonOutput.WriteFile(Path.Combine(outDir, "bench-diffeo.json"), report);
                AtomicFile.WriteAllText(Path.Combine(outDir, "bench-diffeo.md"), Markdown(report));
                Console.Error.WriteLine($"wrote {Path.Combine(outDir, "bench-diffeo.json")} and bench-diffeo.md");
            }
            if (parse.GetValue(json))
            {
                var headline = new Dictionary<string, object?>(result.Headline()) { ["load"] = load };
                JsonOutput.Print(headline);
                return 0;
            }
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
            AnsiConsole.Write(Table(result, load));
            if (result.PeerNote is not null) Console.Error.WriteLine($"note: {result.PeerNote}");
            if (result.MyopiaNodes is { } m && result.PytorchNodes is { } t && m != t)
                Console.Error.WriteLine($"note: the passes measured {m} (Myopia) and {t} (PyTorch) nodes; see docs/diffeo-speed.md");
            return 0;
        });
        return command;
    }


    private static string F(double? v, string format = "F1") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
    private static string X(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

    private static Table Table(DiffeoBenchResult r, string load)
    {
        var table = new Table().Title(Markup.Escape($"diffeo lab speed, {r.Tile} px, {r.Threads} threads, median of {r.Repeats} ({load})"))
            .AddColumns("way", "batch", "items/run", "items/s", "seconds/run", "check", "nodes", "myopia / this");
        foreach (var w in r.Ways)
        {
            bool pass = DiffeoWays.IsPass(w.Way);
            double? ratio = w.Way switch
            {
                DiffeoWays.PytorchPerImage => r.GeneratorVsPytorchPerImage,
                DiffeoWays.PytorchBatched => r.GeneratorVsPytorchBatched,
                DiffeoWays.PytorchPass => r.PassVsPytorch,
                _ => null,
            };
            table.AddRow(Markup.Escape(w.Way), $"{w.Batch}", $"{w.Items} {(pass ? "probes" : "images")}", F(w.ItemsPerSecond, pass ? "F2" : "F1"), F(w.Seconds, "F3"),
                pass ? $"R_out {F(w.Check, "F4")}" : $"|τx−x|² {F(w.Check)}", pass ? $"{w.Nodes}" : "-", X(ratio));
        }
        return table;
    }

    private static string Markdown(DiffeoBenchReport report)
    {
        var r = report.Result;
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Diffeomorphism lab speed: deformed images per second and a layer-wise D/G/R pass").AppendLine();
        md.AppendLine($"CPU: {report.Cpu}. Backend: {report.Backend}. {r.Threads} threads, OMP_WAIT_POLICY={r.OmpWaitPolicy ?? "(unset)"}, {report.Load}." +
                      (r.TorchVersion is { } tv ? $" PyTorch {tv}." : "")).AppendLine();
        var setting = new List<string>();
        if (r.Way(DiffeoWays.MyopiaGenerator) is not null)
            setting.Add($"Max-entropy diffeomorphisms, δ = {r.Displacement.ToString(CultureInfo.InvariantCulture)} px, c = {r.Cutoff}, T = {r.Temperature.ToString("G4", CultureInfo.InvariantCulture)}, bilinear, " +
                        $"an independent field per image, on random float64 {r.Images} x 3 x {r.Tile} x {r.Tile} images in batches of {r.DeformBatch}.");
        if (r.Way(DiffeoWays.MyopiaPass) is not null)
            setting.Add($"D/G/R pass: {r.Model} ({r.Params:N0} parameters), fresh seeded weights, eval mode (running statistics), {(r.Float64 ? "float64" : "float32 on both sides")}, " +
                        $"{r.Probes} random probes in chunks of {r.Batch}, layer-wise, δ = {r.Displacement.ToString(CultureInfo.InvariantCulture)} px, c = {r.Cutoff}.");
        setting.Add($"Medians of {r.Repeats} interleaved repeats.");
        md.AppendLine(string.Join(" ", setting)).AppendLine();
        md.AppendLine("| measurement | Myopia | PyTorch (authors' way) | PyTorch batched | Myopia / PyTorch |");
        md.AppendLine("|---|---|---|---|---|");
        if (r.Way(DiffeoWays.MyopiaGenerator) is not null)
            md.AppendLine($"| deformed images/s | {F(r.Way(DiffeoWays.MyopiaGenerator)?.ItemsPerSecond)} | {F(r.Way(DiffeoWays.PytorchPerImage)?.ItemsPerSecond)} (deform() per image) | " +
                          $"{F(r.Way(DiffeoWays.PytorchBatched)?.ItemsPerSecond)} | {X(r.GeneratorVsPytorchPerImage)} per image, {X(r.GeneratorVsPytorchBatched)} batched |");
        if (r.Way(DiffeoWays.MyopiaPass) is { } mp)
        {
            var tp = r.Way(DiffeoWays.PytorchPass);
            md.AppendLine($"| D/G/R pass, seconds | {F(mp.Seconds, "F2")} | {F(tp?.Seconds, "F2")} | | {X(r.PassVsPytorch)} |");
            md.AppendLine($"| D/G/R pass, probes/s | {F(mp.ItemsPerSecond, "F2")} | {F(tp?.ItemsPerSecond, "F2")} | | {X(r.PassVsPytorch)} |");
            md.AppendLine($"| nodes measured (input included) | {mp.Nodes} | {(tp is null ? "-" : $"{tp.Nodes}")} | | |");
        }
        md.AppendLine().AppendLine("## Every way (medians; the check: mean ‖τx − x‖² per image for the generator, R at the output for a pass)").AppendLine();
        md.AppendLine("| way | batch | items/run | items/s | seconds | check | nodes |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var w in r.Ways)
            md.AppendLine($"| {w.Way} | {w.Batch} | {w.Items} | {F(w.ItemsPerSecond, "F2")} | {F(w.Seconds, "F3")} | {F(w.Check, "G5")} | {(DiffeoWays.IsPass(w.Way) ? $"{w.Nodes}" : "-")} |");
        var notes = new List<string>();
        if (r.PeerNote is not null) notes.Add($"- {r.PeerNote}");
        if (r.MyopiaNodes is { } m && r.PytorchNodes is { } t && m != t)
            notes.Add($"- The passes measured {m} (Myopia) and {t} (PyTorch) nodes: torch_reference's resnet18 has an nn.Flatten module, Myopia's ResNet flattens with a tensor operation; " +
                      "the peer counts the functional ReLUs of its BasicBlock as nodes, Myopia's ResNet has them as ReLU modules.");
        if (notes.Count > 0) md.AppendLine().AppendLine("Notes:").AppendLine().AppendLine(string.Join("\n", notes));
        return md.ToString();
    }
}
