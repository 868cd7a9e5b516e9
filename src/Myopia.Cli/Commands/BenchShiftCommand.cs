using System.CommandLine;
using System.Globalization;
using Myopia.Analysis.ShiftStudy;
using Myopia.Benchmarks;
using Myopia.IO;
using Myopia.Models;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia bench shift</c>: image-shift pairs per second of the shift lab's batched measurement, against
/// the anchor's way (one view per forward pass, as Azulay's script runs) and against PyTorch doing the
/// same arithmetic batched (src/Myopia/Benchmarks/Peers/shift_peer.py), side by side in one run.
/// </summary>
public static class BenchShiftCommand
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "comma-separated registry networks, fresh seeded weights", DefaultValueFactory = _ => "vggsmall" };
        models.Aliases.Add("--model");
        var tile = new Option<int>("--tile") { Description = "side of the random images (32: CIFAR-like)", DefaultValueFactory = _ => 32 };
        var images = new Option<int>("--images") { Description = "random images per timed run", DefaultValueFactory = _ => 64 };
        var protocol = new Option<string>("--protocol")
        {
            Description = "a shift protocol preset (myopia shift --help); the PyTorch peer builds azulay-black only",
            DefaultValueFactory = _ => "azulay-black",
        };
        var scale = new Option<double?>("--scale") { Description = "Azulay's s (crop area fraction or embedding side ratio)" };
        var embed = new Option<int?>("--embed") { Description = "side d of the embedded image (azulay-black: default floor(W / 1.3), 24 on 32 px)" };
        var maxShift = new Option<int?>("--max-shift") { Description = "diagonal, zhang, zhang-circular, cifar-circular: the offset range" };
        var batch = new Option<int>("--batch") { Description = "views per forward pass of the batched ways", DefaultValueFactory = _ => 512 };
        var repeats = new Option<int>("--repeats") { Description = "interleaved measurements of every way; figures are medians", DefaultValueFactory = _ => 3 };
        var threads = CommonOptions.Threads();
        var classes = new Option<int>("--classes") { Description = "number of classes", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "seed of the weights and the random images", DefaultValueFactory = _ => 0 };
        var noPeer = new Option<bool>("--no-peer") { Description = "measure Myopia only" };
        var batch1 = new Option<bool>("--pytorch-batch1") { Description = "also time PyTorch one view per forward pass (default; --pytorch-batch1 false to skip)", DefaultValueFactory = _ => true };
        var peerScript = new Option<string?>("--peer-script") { Description = $"the PyTorch shift peer (default: peers/{ShiftPeer.ScriptName} beside the CLI)" };
        var python = new Option<string>("--python") { Description = "interpreter with PyTorch (Debian's python3-torch)", DefaultValueFactory = _ => PytorchPeer.SystemPython };
        var output = new Option<string?>("--out") { Description = "also write bench-shift.json and bench-shift.md into this folder" };
        var json = CommonOptions.Json();
        var command = new Command("shift", "Image-shift pairs per second: Myopia's batched shift measurement, the anchor's way (one view per forward pass) " +
                                           "and PyTorch doing the same arithmetic, interleaved in one run.")
        {
            models, tile, images, protocol, scale, embed, maxShift, batch, repeats, threads, classes, seed, noPeer, batch1, peerScript, python, output, json,
        };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0) throw new MyopiaException("--models names nothing");
            var name = parse.GetValue(protocol)!;
            if (!ShiftProtocols.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new MyopiaException($"unknown shift protocol '{name}'; known: {string.Join(", ", ShiftProtocols.Names)}");
            var settings = new ShiftSettings(parse.GetValue(scale), parse.GetValue(embed), parse.GetValue(maxShift), Seed: parse.GetValue(seed));
            var cases = names.Select(n => new ShiftBenchOptions(
                ModelRegistry.Exists(n) ? ModelRegistry.Info(n).Name : throw new MyopiaException($"unknown model '{n}'; known models: {string.Join(", ", ModelRegistry.Names)}"),
                parse.GetValue(tile), parse.GetValue(images), name.ToLowerInvariant(), settings, parse.GetValue(batch), parse.GetValue(repeats),
                parse.GetValue(threads), parse.GetValue(classes), parse.GetValue(seed), parse.GetValue(batch1))).ToList();
            foreach (var c in cases)
            {
                c.Validate();
                ShiftProtocols.Create(c.Protocol, c.Tile, [0f, 0f, 0f], c.Settings); // bad --embed, --scale: before any timing
            }
            var outDir = parse.GetValue(output) is { } o ? OutputFolder.Resolve(o, "bench-shift") : null;
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            ShiftPeer? peer = null;
            if (!parse.GetValue(noPeer))
            {
                var located = ShiftPeer.Locate(parse.GetValue(python)!);
                peer = parse.GetValue(peerScript) is { } explicitScript
                    ? File.Exists(explicitScript) ? new ShiftPeer(Path.GetFullPath(explicitScript), located.Python, located.Reference)
                        : throw new MyopiaException($"--peer-script: file not found: {explicitScript}")
                    : located;
            }
            if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
                Console.Error.WriteLine("note: OMP_WAIT_POLICY is not set; on a shared machine set OMP_WAIT_POLICY=PASSIVE for stable figures (both peers inherit it)");
            string load = SystemLoad.Describe();
            var results = new List<ShiftBenchResult>();
            foreach (var c in cases)
            {
                Console.Error.WriteLine($"== {c.Model}, {c.Protocol}, {c.Images} random {c.Tile}x{c.Tile} images");
                results.Add(new ShiftBenchmark(c, peer) { Progress = line => Console.Error.WriteLine(line) }.Run());
            }
            load = $"{load} before, {SystemLoad.Describe()} after";
            var report = new ShiftBenchReport(results, Myopia.Devices.CpuFeatures.ModelName, Myopia.Devices.DeviceChoice.BackendPackage, load);
            if (outDir is not null)
            {
                JsonOutput.WriteFile(Path.Combine(outDir, "bench-shift.json"), report);
                AtomicFile.WriteAllText(Path.Combine(outDir, "bench-shift.md"), Markdown(report));
                Console.Error.WriteLine($"wrote {Path.Combine(outDir, "bench-shift.json")} and bench-shift.md");
            }
            if (parse.GetValue(json))
            {
                JsonOutput.Print(new Dictionary<string, object?> { ["load"] = load, ["cases"] = results.Select(r => r.Headline()).ToList() });
                return 0;
            }
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
            AnsiConsole.Write(Table(results, load));
            foreach (var r in results.Where(r => r.PeerNote is not null).DistinctBy(r => r.PeerNote))
                Console.Error.WriteLine($"note: {r.Model}: {r.PeerNote}");
            return 0;
        });
        return command;
    }


    private static string F(double? v, string format = "F1") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
    private static string X(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

    private static Table Table(IReadOnlyList<ShiftBenchResult> results, string load)
    {
        var first = results[0];
        var table = new Table().Title(Markup.Escape($"image-shift pairs/s, {first.Protocol}, {first.Tile} px, {first.Threads} threads, median of {first.Repeats} ({load})"))
            .AddColumns("model", "pairs/run", "myopia batched", "myopia batch 1", "pytorch batched", "pytorch batch 1", "batched / batch 1", "myopia / pytorch", "myopia / pytorch batch 1");
        foreach (var r in results)
            table.AddRow(r.Model, $"{r.PairsPerRun}",
                F(r.Way(ShiftWays.MyopiaBatched)?.PairsPerSecond), F(r.Way(ShiftWays.MyopiaBatch1)?.PairsPerSecond),
                F(r.Way(ShiftWays.PytorchBatched)?.PairsPerSecond), F(r.Way(ShiftWays.PytorchBatch1)?.PairsPerSecond),
                X(r.BatchedVsBatch1), X(r.BatchedVsPytorch), X(r.BatchedVsPytorchBatch1));
        return table;
    }

    private static string Markdown(ShiftBenchReport report)
    {
        var md = new System.Text.StringBuilder();
        var first = report.Cases[0];
        md.AppendLine("# Shift measurement speed: image-shift pairs per second").AppendLine();
        md.AppendLine($"CPU: {report.Cpu}. Backend: {report.Backend}. {first.Threads} threads, OMP_WAIT_POLICY={first.OmpWaitPolicy ?? "(unset)"}, {report.Load}.").AppendLine();
        md.AppendLine($"Protocol {first.Protocol} on random {first.Tile}x{first.Tile} images ({first.Condition}); batched ways run {first.Batch} views per forward pass; medians of {first.Repeats} interleaved repeats.").AppendLine();
        md.AppendLine("| model | images x pairs | myopia batched | myopia batch 1 (anchor's way) | pytorch batched | pytorch batch 1 | batched / batch 1 | myopia / pytorch batched | myopia batched / pytorch batch 1 |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Cases)
            md.AppendLine($"| {r.Model} | {r.Images} x {r.PairsPerRun / Math.Max(1, r.Images)} | {F(r.Way(ShiftWays.MyopiaBatched)?.PairsPerSecond)} | {F(r.Way(ShiftWays.MyopiaBatch1)?.PairsPerSecond)} | " +
                          $"{F(r.Way(ShiftWays.PytorchBatched)?.PairsPerSecond)} | {F(r.Way(ShiftWays.PytorchBatch1)?.PairsPerSecond)} | {X(r.BatchedVsBatch1)} | {X(r.BatchedVsPytorch)} | {X(r.BatchedVsPytorchBatch1)} |");
        md.AppendLine().AppendLine("## Every way (medians; P(change) and MAC of the run, a check on the arithmetic)").AppendLine();
        md.AppendLine("| model | way | batch | pairs/s | images/s | seconds | P(change) | MAC |").AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Cases)
        foreach (var w in r.Ways)
            md.AppendLine($"| {r.Model} | {w.Way} | {w.Batch} | {F(w.PairsPerSecond)} | {F(w.ImagesPerSecond, "F2")} | {F(w.Seconds, "F3")} | {F(w.PChange, "F3")} | {F(w.Mac, "F4")} |");
        var notes = report.Cases.Where(r => r.PeerNote is not null).Select(r => $"- {r.Model}: {r.PeerNote}").Distinct().ToList();
        if (notes.Count > 0) md.AppendLine().AppendLine("Notes:").AppendLine().AppendLine(string.Join("\n", notes));
        return md.ToString();
    }
}
