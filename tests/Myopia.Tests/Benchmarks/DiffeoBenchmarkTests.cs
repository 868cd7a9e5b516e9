using System.Text.Json;
using Myopia.Analysis.DiffeoStudy;
using Myopia.Benchmarks;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Benchmarks;

/// <summary>
/// <c>myopia bench diffeo</c>: the medians and ratios, the PyTorch peer's lines, its visible skip, the CLI, and
/// that the peer's diff.py-faithful generator draws the displacements the spec derives (so both sides do the
/// same arithmetic). Speed itself is never asserted.
/// </summary>
public sealed class DiffeoBenchmarkTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("myopia-bench-diffeo-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static DiffeoBenchRun Run(string way, int repeat, double seconds, long items = 100, double check = 2.0, int nodes = 0) =>
        new(way, repeat, 100, items, seconds, check, nodes);

    private static DiffeoBenchResult Result(IReadOnlyList<DiffeoBenchRun> runs, string? note = null) =>
        new("resnet18", 32, 1.0, 3, 1.13e-3, 100, 100, 10, 5, true, 11_181_642, 2, 3, DiffeoBenchResult.Summarize(runs), runs, note, "PASSIVE", "1.13");

    [Fact]
    public void MediansPerWayAndRatiosOfMedians()
    {
        var runs = new List<DiffeoBenchRun>
        {
            // Myopia generator: 100 images in 0.1, 0.05 or 0.4 s: 1000, 2000, 250 images/s -> median 1000.
            Run(DiffeoWays.MyopiaGenerator, 1, 0.1), Run(DiffeoWays.MyopiaGenerator, 2, 0.05), Run(DiffeoWays.MyopiaGenerator, 3, 0.4),
            // PyTorch per image: 100, 200, 250 images/s -> 200.
            Run(DiffeoWays.PytorchPerImage, 1, 1), Run(DiffeoWays.PytorchPerImage, 2, 0.5), Run(DiffeoWays.PytorchPerImage, 3, 0.4),
            // Passes of 10 probes: Myopia 2 s and 4 s (even count: 2.5 and 5 probes/s -> 3.75), PyTorch 10 s -> 1.
            Run(DiffeoWays.MyopiaPass, 1, 2, items: 10, check: 0.5, nodes: 60), Run(DiffeoWays.MyopiaPass, 2, 4, items: 10, check: 0.7, nodes: 60),
            Run(DiffeoWays.PytorchPass, 1, 10, items: 10, check: 0.9, nodes: 61),
        };
        var result = Result(runs);
        Assert.Equal([DiffeoWays.MyopiaGenerator, DiffeoWays.PytorchPerImage, DiffeoWays.MyopiaPass, DiffeoWays.PytorchPass], result.Ways.Select(w => w.Way));
        Assert.Equal(1000, result.Way(DiffeoWays.MyopiaGenerator)!.ItemsPerSecond);
        Assert.Equal(0.1, result.Way(DiffeoWays.MyopiaGenerator)!.Seconds);
        Assert.Equal(3, result.Way(DiffeoWays.MyopiaGenerator)!.Runs);
        Assert.Equal(200, result.Way(DiffeoWays.PytorchPerImage)!.ItemsPerSecond);
        Assert.Equal("pytorch", result.Way(DiffeoWays.PytorchPerImage)!.Peer);
        Assert.Equal(3.75, result.Way(DiffeoWays.MyopiaPass)!.ItemsPerSecond);
        Assert.Equal(3, result.Way(DiffeoWays.MyopiaPass)!.Seconds);
        Assert.Equal(0.6, result.Way(DiffeoWays.MyopiaPass)!.Check, 1e-12);
        Assert.Equal(5.0, result.GeneratorVsPytorchPerImage);
        Assert.Null(result.GeneratorVsPytorchBatched);   // that way did not run
        Assert.Equal(3.75, result.PassVsPytorch);
        Assert.Equal((60, 61), (result.MyopiaNodes, result.PytorchNodes));
        var headline = result.Headline();
        Assert.Equal(1000.0, headline["myopia_images_s"]);
        Assert.Null(headline["pytorch_batched_images_s"]);
        Assert.Equal(3.0, headline["myopia_pass_s"]);
        Assert.Equal(10.0, headline["pytorch_pass_s"]);
        Assert.Equal(3.75, headline["pass_vs_pytorch"]);

        var alone = Result([Run(DiffeoWays.MyopiaGenerator, 1, 1)], "PyTorch peer not requested (--no-peer)");
        Assert.Null(alone.GeneratorVsPytorchPerImage);
        Assert.Null(alone.PassVsPytorch);
        Assert.Null(alone.MyopiaNodes);
    }

    [Fact]
    public void PeerLinesParse()
    {
        var generator = DiffeoPeer.Parse("""{"peer": "pytorch", "torch": "1.13.0a0", "mode": "generator", "tile": 32, "batch": 100, "delta": 1.0, "cutoff": 3, "temperature": 0.0011317896274516024, "way": "per-image", "images": 1000, "seconds": 0.7231, "images_per_s": 1382.9, "check": 1961.16, "threads": 2}""");
        Assert.Equal(("generator", "per-image", 1000, 100, 32, 3), (generator.Mode, generator.Way, generator.Images, generator.Batch, generator.Tile, generator.Cutoff));
        Assert.Equal((0.7231, 1382.9, 1961.16, 2, "1.13.0a0"), (generator.Seconds, generator.ImagesPerSecond, generator.Check, generator.Threads, generator.TorchVersion));
        Assert.Null(generator.Nodes);
        var pass = DiffeoPeer.Parse("""{"peer": "pytorch", "torch": "1.13.0a0", "mode": "pass", "tile": 32, "batch": 10, "delta": 1.0, "cutoff": 3, "temperature": 0.00113, "model": "resnet18", "dtype": "float64", "probes": 20, "seconds": 32.646, "probes_per_s": 0.61, "nodes": 61, "r_input": 0.9999999999999994, "r_output": 1.0898, "d_output": 3.2379, "g_output": 2.9708, "params": 11181642, "threads": 2}""");
        Assert.Equal(("resnet18", "float64", 20, 61, 11_181_642L), (pass.Model, pass.Dtype, pass.Probes, pass.Nodes, pass.Params));
        Assert.Equal((32.646, 0.61, 1.0898, 3.2379, 2.9708), (pass.Seconds, pass.ProbesPerSecond, pass.ROutput, pass.DOutput, pass.GOutput));
        var fields = DiffeoPeer.Parse("""{"peer": "pytorch", "torch": "1.13.0a0", "mode": "fields", "tile": 32, "batch": 100, "delta": 1.0, "cutoff": 3, "temperature": 0.00113, "images": 2000, "seconds": 0.0, "mean_dx2": 0.334, "mean_dy2": 0.330, "threads": 1}""");
        Assert.Equal((0.334, 0.330), (fields.MeanDx2, fields.MeanDy2));
        Assert.Throws<PeerUnavailableException>(() => DiffeoPeer.Parse("{not json"));
    }

    [Fact]
    public void BenchmarkInterleavesWaysAndPassesTheSettingsToThePeer()
    {
        // A stand-in interpreter: "-c import torch" succeeds; a generator run echoes its way, batch and threads back.
        var python = Executable("python", """
            #!/bin/sh
            [ "$1" = "-c" ] && exit 0
            echo "$@" >> "$(dirname "$0")/calls.txt"
            way=$(echo "$@" | sed 's/.*--way \([a-z-]*\).*/\1/'); threads=$(echo "$@" | sed 's/.*--threads \([0-9]*\).*/\1/')
            echo "{\"peer\": \"pytorch\", \"torch\": \"9.9\", \"mode\": \"generator\", \"tile\": 32, \"batch\": 5, \"delta\": 1.0, \"cutoff\": 3, \"temperature\": 0.001, \"way\": \"$way\", \"images\": 10, \"seconds\": 0.5, \"images_per_s\": 20.0, \"check\": 1900.0, \"threads\": $threads}"
            """);
        var script = Path.Combine(folder, "peer.py");
        File.WriteAllText(script, "");
        var peer = new DiffeoPeer(script, python, reference: null);
        var result = new DiffeoBenchmark(new DiffeoBenchOptions(Model: "smallcnn", Images: 10, DeformBatch: 5, Probes: 4, Batch: 2, Repeats: 2), peer).Run();
        // smallcnn is not a network the peer's pass builds: that way is skipped with a note, the rest runs.
        Assert.Contains("builds only", result.PeerNote);
        Assert.Equal(2 * 4, result.Runs.Count);
        Assert.Equal([DiffeoWays.MyopiaGenerator, DiffeoWays.PytorchPerImage, DiffeoWays.PytorchBatched, DiffeoWays.MyopiaPass], result.Runs.Take(4).Select(r => r.Way));
        Assert.Equal([DiffeoWays.MyopiaPass, DiffeoWays.PytorchBatched, DiffeoWays.PytorchPerImage, DiffeoWays.MyopiaGenerator], result.Runs.Skip(4).Select(r => r.Way));
        Assert.Equal(20.0, result.Way(DiffeoWays.PytorchPerImage)!.ItemsPerSecond);
        Assert.Equal("9.9", result.TorchVersion);
        Assert.True(result.Way(DiffeoWays.MyopiaPass)!.Nodes > 2);
        Assert.True(result.Way(DiffeoWays.MyopiaGenerator)!.Check > 0);
        Assert.Equal(Math.Round(result.Way(DiffeoWays.MyopiaGenerator)!.ItemsPerSecond / 20.0, 3), result.GeneratorVsPytorchPerImage);
        var calls = File.ReadAllLines(Path.Combine(folder, "calls.txt"));
        Assert.Equal(4, calls.Length);
        Assert.All(calls, c => Assert.Contains($"--threads {result.Threads} ", c));
        Assert.All(calls, c => Assert.Contains("--mode generator", c));
        Assert.All(calls, c => Assert.Contains("--tile 32 --images 10 --batch 5 --delta 1 --cutoff 3", c));
        Assert.Equal(2, calls.Count(c => c.Contains("--way per-image")));
        Assert.Equal(2, calls.Count(c => c.Contains("--way batched")));
    }

    [Fact]
    public void APeerWithoutTorchIsSkippedVisibly()
    {
        var python = Executable("python", """
            #!/bin/sh
            echo "Traceback (most recent call last):" >&2
            echo "ModuleNotFoundError: No module named 'torch'" >&2
            exit 1
            """);
        var script = Path.Combine(folder, "peer.py");
        File.WriteAllText(script, "");
        var peer = new DiffeoPeer(script, python);
        var note = peer.CannotRun();
        Assert.Contains("import torch", note);
        Assert.Contains("python3-torch", note);
        Assert.DoesNotContain('\n', note!);
        Assert.Contains("builds only", new DiffeoPeer(script, python, "/nonexistent.py").CannotRunPass("lenet"));
        Assert.Contains("not found", new DiffeoPeer(script, python, "/nonexistent.py").CannotRunPass("resnet18"));

        // The CLI says so in a note line and carries on with Myopia's figures.
        var o = CliProcess.Run("bench", "diffeo", "--models", "smallcnn", "--images", "10", "--probes", "4", "--batch", "2", "--repeats", "1", "--threads", "1",
            "--python", python, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("PyTorch peer skipped", o.Stderr);
        Assert.Contains("import torch", o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("myopia_images_s").GetDouble() > 0);
        Assert.True(root.GetProperty("myopia_probes_s").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pytorch_per_image_images_s").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pass_vs_pytorch").ValueKind);
        Assert.Contains("import torch", root.GetProperty("peer_note").GetString());
    }

    [Fact]
    public void CliWithoutPeerWritesTheReportAtomically()
    {
        var outDir = Path.Combine(folder, "out");
        var o = CliProcess.Run("bench", "diffeo", "--models", "smallcnn", "--images", "20", "--deform-batch", "8", "--probes", "8", "--batch", "4",
            "--repeats", "1", "--threads", "1", "--no-peer", "--out", outDir);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("diffeo lab speed", o.Stdout);
        Assert.Contains("not requested", o.Stderr);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench-diffeo.json")));
        var result = report.RootElement.GetProperty("result");
        Assert.Equal("smallcnn", result.GetProperty("model").GetString());
        Assert.Equal(8, result.GetProperty("probes").GetInt32());
        Assert.Equal(2, result.GetProperty("ways").GetArrayLength());
        Assert.True(result.GetProperty("ways")[1].GetProperty("nodes").GetInt32() > 2);
        Assert.Contains("load", report.RootElement.GetProperty("load").GetString());
        var md = File.ReadAllText(Path.Combine(outDir, "bench-diffeo.md"));
        Assert.Contains("| deformed images/s |", md);
        Assert.Contains("| D/G/R pass, seconds |", md);
        Assert.DoesNotContain(Directory.GetFiles(outDir), f => !f.EndsWith("bench-diffeo.json") && !f.EndsWith("bench-diffeo.md"));
    }

    /// <summary>--float32 runs Myopia's layer-wise pass in float32 (NodeSensitivities once read a float32 maximum as a double and threw).</summary>
    [Fact]
    public void AFloat32PassRuns()
    {
        var result = new DiffeoBenchmark(new DiffeoBenchOptions(Model: "smallcnn", Probes: 4, Batch: 2, Repeats: 1, Threads: 1, Generator: false, Float64: false), null).Run();
        Assert.False(result.Float64);
        var pass = result.Way(DiffeoWays.MyopiaPass)!;
        Assert.True(pass.Nodes > 2);
        Assert.True(double.IsFinite(pass.Check) && pass.Check > 0);
        Assert.Equal([DiffeoWays.MyopiaPass], result.Ways.Select(w => w.Way));
    }

    [Theory]
    [InlineData("--images", "0", "--images")]
    [InlineData("--probes", "1", "--probes")]
    [InlineData("--models", "nosuch", "unknown model")]
    [InlineData("--models", "resnet18,smallcnn", "one network")]
    [InlineData("--repeats", "0", "--repeats")]
    [InlineData("--cutoff", "1", "--cutoff")]
    [InlineData("--displacement", "0", "--displacement")]
    [InlineData("--tile", "2", "--tile")]
    public void BadInputIsOneErrorLineAndExitTwo(string option, string value, string expected)
    {
        var o = CliProcess.Run("bench", "diffeo", "--no-peer", option, value);
        Assert.Equal(2, o.ExitCode);
        var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    /// <summary>
    /// The peer's diff.py-faithful fields (code cutoff, factor n) give the spec's pixel-averaged E[Δx² + Δy²] = 0.666 px² at
    /// n = 32, c = 3, δ = 1 over 2000 fields (±3%) with E[Δx²] = E[Δy²] (±5%), as Myopia's generator does: both sides draw
    /// the same displacements, and on the same kind of images their mean ‖τx − x‖² agree.
    /// </summary>
    [PyTorchFact]
    public void ThePeersGeneratorDrawsTheSpecsDisplacements()
    {
        var located = DiffeoPeer.Locate(PyTorchReference.Python!);
        Assert.True(File.Exists(located.Script), located.Script);
        var peer = new DiffeoPeer(located.Script, PyTorchReference.Python!, located.Reference);
        Assert.Null(peer.CannotRun());
        var fields = peer.RunFields(32, 2000, 1.0, 3, 0);
        double total = fields.MeanDx2!.Value + fields.MeanDy2!.Value;
        Assert.InRange(total, 0.666 * 0.97, 0.666 * 1.03);
        Assert.InRange(fields.MeanDx2.Value / fields.MeanDy2.Value, 0.95, 1.05);
        Assert.Equal(DiffeoTemperature.ForDisplacement(1.0, 32, 3), fields.Temperature, 1e-12);

        var mine = DiffeoGenerator.ForDisplacement(1.0, 32, 3);
        var (dx, dy) = mine.Fields(0, 2000, 32, 32, 0);
        using (dx) using (dy)
            Assert.InRange((dx.square().mean().item<double>() + dy.square().mean().item<double>()) / total, 0.95, 1.05);

        // Same arithmetic on standard normal images: the mean ‖τx − x‖² of the per-image and batched peers and of Myopia agree.
        var perImage = peer.RunGenerator(true, 32, 400, 100, 1.0, 3, 1, 0);
        var batched = peer.RunGenerator(false, 32, 400, 100, 1.0, 3, 1, 0);
        var myopia = new DiffeoBenchmark(new DiffeoBenchOptions(Model: "smallcnn", Images: 400, Repeats: 1, Threads: 1, Pass: false), null).Run();
        double mineCheck = myopia.Way(DiffeoWays.MyopiaGenerator)!.Check;
        Assert.InRange(perImage.Check!.Value / mineCheck, 0.9, 1.1);
        Assert.InRange(batched.Check!.Value / mineCheck, 0.9, 1.1);
        Assert.Equal((400, "per-image"), (perImage.Images!.Value, perImage.Way));
    }

    /// <summary>The real peer's D/G/R pass on tiny settings: its line parses, R is 1 at the input, and its resnet18 has Myopia's parameter count.</summary>
    [PyTorchFact]
    public void ThePeersPassRunsOnResnet18()
    {
        var located = DiffeoPeer.Locate(PyTorchReference.Python!);
        if (located.Reference is null) return;   // torch_reference.py not beside this checkout
        Assert.Null(located.CannotRunPass("resnet18"));
        var r = located.RunPass("resnet18", 32, 4, 2, 1.0, 3, 1, 10, 0, DiffeoBenchmark.Norm.Mean, DiffeoBenchmark.Norm.Std, float64: false);
        Assert.Equal(("resnet18", 4, 2, "float32"), (r.Model, r.Probes!.Value, r.Batch, r.Dtype));
        Assert.Equal(61, r.Nodes);
        Assert.Equal(1.0, r.RInput!.Value, 1e-6);
        Assert.True(r.ROutput > 0);
        Assert.Equal(11_181_642L, r.Params);
    }

    private string Executable(string name, string body)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, body.Replace("\r", "") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
