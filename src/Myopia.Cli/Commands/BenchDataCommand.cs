using System.CommandLine;
using System.Globalization;
using Myopia.Benchmarks;
using Myopia.IO;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia bench data</c>: photos per second of Myopia's streamed photo dataset against torchvision's ImageFolder
/// and DataLoader (src/Myopia/Benchmarks/Peers/decode_peer.py), the same photos resized and cropped the same way,
/// side by side in one run, with checksums of the pixels both produced. Exit 1 when the checksums differ.
/// </summary>
public static class BenchDataCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "an ImageFolder: train/<class>/* and test/ or val/", Required = true };
        var split = new Option<string?>("--split") { Description = "the split read: train, test or val (default: test, else val)" };
        var images = new Option<int>("--images") { Description = "evenly spaced photos of the split per timed pass", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "photos per batch, on both sides", DefaultValueFactory = _ => 64 };
        var repeats = new Option<int>("--repeats") { Description = "interleaved measurements of each side; figures are medians", DefaultValueFactory = _ => 3 };
        var workers = new Option<int>("--workers") { Description = "PyTorch DataLoader worker processes (Myopia decodes on every core)", DefaultValueFactory = _ => 2 };
        var resize = new Option<int>("--resize") { Description = "shorter side after resizing (torchvision's Resize(int))", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "side of the center crop", DefaultValueFactory = _ => 224 };
        var interpolation = new Option<string>("--interpolation") { Description = "resampling filter (Pillow's, as torchvision on PIL images)", DefaultValueFactory = _ => "bilinear" };
        var noPeer = new Option<bool>("--no-peer") { Description = "measure Myopia only" };
        var peerScript = new Option<string?>("--peer-script") { Description = $"the PyTorch decode peer (default: peers/{DecodePeer.ScriptName} beside the CLI)" };
        var python = new Option<string>("--python") { Description = "interpreter with PyTorch and torchvision (Debian's python3-torchvision)", DefaultValueFactory = _ => PytorchPeer.SystemPython };
        var output = new Option<string?>("--out") { Description = "also write bench-data.json and bench-data.md into this folder" };
        var json = CommonOptions.Json();
        var command = new Command("data", "Photos per second of decoding, resizing and cropping an ImageFolder: Myopia's streamed dataset against " +
                                          "torchvision's DataLoader on the same photos, interleaved in one run, with pixel checksums.")
        {
            dataDir, split, images, batch, repeats, workers, resize, crop, interpolation, noPeer, peerScript, python, output, json,
        };
        command.SetAction(parse =>
        {
            var options = new DecodeBenchOptions(parse.GetValue(dataDir)!, parse.GetValue(split)?.ToLowerInvariant(), parse.GetValue(images), parse.GetValue(batch),
                parse.GetValue(repeats), parse.GetValue(workers), parse.GetValue(resize), parse.GetValue(crop), parse.GetValue(interpolation)!);
            options.Validate();
            var outDir = parse.GetValue(output) is { } o ? OutputFolder.Resolve(o, "bench-data") : null;
            DecodePeer? peer = null;
            if (!parse.GetValue(noPeer))
                peer = parse.GetValue(peerScript) is { } explicitScript
                    ? File.Exists(explicitScript) ? new DecodePeer(Path.GetFullPath(explicitScript), parse.GetValue(python)!)
                        : throw new MyopiaException($"--peer-script: file not found: {explicitScript}")
                    : DecodePeer.Locate(parse.GetValue(python)!);
            string load = SystemLoad.Describe();
            Console.Error.WriteLine($"== {options.Images} photos of {options.SplitName}/ in {options.DataDir}, {options.Pipeline}, batches of {options.Batch}");
            var result = new DecodeBenchmark(options, peer) { Progress = line => Console.Error.WriteLine(line) }.Run();
            load = $"{load} before, {SystemLoad.Describe()} after";
            var report = new DecodeBenchReport(result, Myopia.Devices.CpuFeatures.ModelName, load);
            if (outDir is not null)
            {
                JsonOutput.WriteFile(Path.Combine(outDir, "bench-data.json"), report);
                AtomicFile.WriteAllText(Path.Combine(outDir, "bench-data.md"), Markdown(report));
                Console.Error.WriteLine($"wrote {Path.Combine(outDir, "bench-data.json")} and bench-data.md");
            }
            if (parse.GetValue(json))
            {
                var headline = new Dictionary<string, object?>(result.Headline()) { ["load"] = load };
                JsonOutput.Print(headline);
            }
            else
            {
                if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
                AnsiConsole.Write(Table(result, load));
            }
            if (result.PeerNote is not null) Console.Error.WriteLine($"note: {result.PeerNote}");
            if (result.ChecksumsEqual == false)
            {
                Console.Error.WriteLine($"checksums differ (myopia {result.Side(DecodeSides.Myopia)?.Checksum}, pytorch {result.Side(DecodeSides.Pytorch)?.Checksum}): " +
                                        "the two sides did not produce the same pixels, so the speeds are not of the same work");
                return 1;
            }
            return 0;
        });
        return command;
    }

    private static string F(double? v, string format = "F1") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
    private static string X(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";
    private static string Equal(bool? v) => v switch { true => "equal", false => "DIFFER", null => "-" };

    private static Table Table(DecodeBenchResult r, string load)
    {
        var table = new Table().Title(Markup.Escape($"photos/s, {r.Images} of {r.SplitImages} {r.Split} photos, {r.Pipeline}, batch {r.Batch}, median of {r.Repeats} ({load})"))
            .AddColumns("myopia", "pytorch", "myopia / pytorch", "checksums", "myopia threads", "pytorch workers");
        table.AddRow(F(r.Side(DecodeSides.Myopia)?.ImagesPerSecond), F(r.Side(DecodeSides.Pytorch)?.ImagesPerSecond), X(r.MyopiaVsPytorch),
            Equal(r.ChecksumsEqual), $"{r.MyopiaThreads}", $"{r.PytorchWorkers}");
        return table;
    }

    private static string Markdown(DecodeBenchReport report)
    {
        var r = report.Result;
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Photo decoding speed: photos per second, Myopia and torchvision").AppendLine();
        md.AppendLine($"CPU: {report.Cpu}. {report.Load}. Myopia decodes each batch on {r.MyopiaThreads} threads and prefetches the next; " +
                      $"PyTorch {r.TorchVersion ?? "-"} / torchvision {r.TorchvisionVersion ?? "-"} runs a DataLoader with {r.PytorchWorkers} workers.").AppendLine();
        md.AppendLine($"{r.Images} evenly spaced photos of the {r.SplitImages} in {r.DataDir}/{r.Split}, {r.Pipeline} to {r.Width}x{r.Height}, batches of {r.Batch}; " +
                      $"medians of {r.Repeats} interleaved repeats. Loading is not timed; the peer's time includes starting its workers.").AppendLine();
        md.AppendLine("| myopia photos/s | pytorch photos/s | myopia / pytorch | myopia checksum | pytorch checksum | checksums |");
        md.AppendLine("|---|---|---|---|---|---|");
        md.AppendLine($"| {F(r.Side(DecodeSides.Myopia)?.ImagesPerSecond)} | {F(r.Side(DecodeSides.Pytorch)?.ImagesPerSecond)} | {X(r.MyopiaVsPytorch)} | " +
                      $"{r.Side(DecodeSides.Myopia)?.Checksum.ToString() ?? "-"} | {r.Side(DecodeSides.Pytorch)?.Checksum.ToString() ?? "-"} | {Equal(r.ChecksumsEqual)} |");
        md.AppendLine().AppendLine("## Every run").AppendLine();
        md.AppendLine("| repeat | side | photos | seconds | photos/s | checksum |").AppendLine("|---|---|---|---|---|---|");
        foreach (var run in r.Runs)
            md.AppendLine($"| {run.Repeat} | {run.Side} | {run.Images} | {F(run.Seconds, "F3")} | {F(run.ImagesPerSecond)} | {run.Checksum} |");
        if (r.PeerNote is not null) md.AppendLine().AppendLine($"Note: {r.PeerNote}");
        return md.ToString();
    }
}
