using System.Text.Json;
using Myopia.Analysis.ShiftStudy;
using Myopia.Benchmarks;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Benchmarks;

/// <summary>
/// <c>myopia bench shift</c>: the medians and ratios, that the anchor's way (batch 1) computes exactly what the
/// batched path does, the PyTorch peer's line, its visible skip, and the CLI. Speed itself is never asserted.
/// </summary>
public sealed class ShiftBenchmarkTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("myopia-bench-shift-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static ShiftBenchRun Run(string way, int repeat, double seconds, long pairs = 80, double pChange = 0.25) =>
        new(way, repeat, way.EndsWith("batch 1") ? 1 : 512, 10, pairs, seconds, pChange, 0.1);

    private static ShiftBenchResult Result(IReadOnlyList<ShiftBenchRun> runs, string? note = null) =>
        new("vggsmall", 32, "azulay-black", "black d=24", 10, 9, 80, 512, 1, 2, 3, ShiftBenchResult.Summarize(runs), runs, note, "PASSIVE", "1.13");

    [Fact]
    public void MediansPerWayAndRatiosOfMedians()
    {
        var runs = new List<ShiftBenchRun>
        {
            // Myopia batched: 80 pairs in 1, 0.5 or 4 s: 80, 160, 20 pairs/s -> median 80.
            Run(ShiftWays.MyopiaBatched, 1, 1), Run(ShiftWays.MyopiaBatched, 2, 0.5), Run(ShiftWays.MyopiaBatched, 3, 4),
            // Batch 1: 8, 10, 16 pairs/s -> 10.
            Run(ShiftWays.MyopiaBatch1, 1, 10), Run(ShiftWays.MyopiaBatch1, 2, 8), Run(ShiftWays.MyopiaBatch1, 3, 5),
            // PyTorch batched, two runs (even count: mean of the middle two): 40 and 160 -> 100.
            Run(ShiftWays.PytorchBatched, 1, 2, pChange: 0.5), Run(ShiftWays.PytorchBatched, 2, 0.5, pChange: 0.3),
        };
        var result = Result(runs);
        Assert.Equal([ShiftWays.MyopiaBatched, ShiftWays.MyopiaBatch1, ShiftWays.PytorchBatched], result.Ways.Select(w => w.Way));
        Assert.Equal(80, result.Way(ShiftWays.MyopiaBatched)!.PairsPerSecond);
        Assert.Equal(10, result.Way(ShiftWays.MyopiaBatched)!.ImagesPerSecond);   // 10 images a run, median 1 s
        Assert.Equal(1, result.Way(ShiftWays.MyopiaBatched)!.Seconds);
        Assert.Equal(3, result.Way(ShiftWays.MyopiaBatched)!.Runs);
        Assert.Equal(10, result.Way(ShiftWays.MyopiaBatch1)!.PairsPerSecond);
        Assert.Equal(1, result.Way(ShiftWays.MyopiaBatch1)!.Batch);
        Assert.Equal(100, result.Way(ShiftWays.PytorchBatched)!.PairsPerSecond);
        Assert.Equal(0.4, result.Way(ShiftWays.PytorchBatched)!.PChange, 1e-12);
        Assert.Equal("pytorch", result.Way(ShiftWays.PytorchBatched)!.Peer);
        Assert.Equal(8.0, result.BatchedVsBatch1);
        Assert.Equal(0.8, result.BatchedVsPytorch);
        Assert.Null(result.BatchedVsPytorchBatch1);   // that way did not run
        Assert.Null(result.Batch1VsPytorchBatch1);
        var headline = result.Headline();
        Assert.Equal(80.0, headline["myopia_batched_pairs_s"]);
        Assert.Null(headline["pytorch_batch1_pairs_s"]);
        Assert.Equal(8.0, headline["batched_vs_batch1"]);
    }

    [Fact]
    public void MedianOfNothingIsNaNAndOfOneIsItself()
    {
        Assert.True(double.IsNaN(ShiftBenchResult.Median([])));
        Assert.Equal(3, ShiftBenchResult.Median([3]));
        Assert.Equal(2.5, ShiftBenchResult.Median([4, 1, 3, 2]));
        var alone = Result([Run(ShiftWays.MyopiaBatched, 1, 1)], "PyTorch peer not requested (--no-peer)");
        Assert.Null(alone.BatchedVsBatch1);
        Assert.Null(alone.BatchedVsPytorch);
    }

    /// <summary>
    /// The anchor's way is the same code with one view per forward pass: the same P(change) and MAC on the
    /// same images, so the speed comparison is of the same arithmetic. A fresh network gives nearly the same
    /// logits for every view, so the head's bias is set to minus their mean: the classes are then nearly tied
    /// and the predictions do change between views.
    /// </summary>
    [Theory]
    [InlineData("vggsmall", "azulay-black")]
    [InlineData("smallcnn", "zhang-circular")]
    public void BatchOneGivesTheBatchedFigures(string architecture, string protocol)
    {
        manual_seed(3);
        using var model = ModelRegistry.Create(architecture, 10);
        model.eval();
        using var data = new ImageDataset("random", randint(0, 256, [6, 3, 32, 32], dtype: ScalarType.Byte),
            randint(0, 10, [6], dtype: ScalarType.Int64), Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray());
        using var classifier = Classifier.FromModule(model, ShiftBenchmark.Norm, data.ClassNames, 32, 32, architecture: architecture);
        using (no_grad())
        {
            var condition = ShiftProtocols.Create(protocol, 32, [0f, 0f, 0f]).Conditions[0];
            using var views = condition.Build(data.Images, 0).flatten(0, 1);
            using var logits = model.call(classifier.Normalize(views));
            var bias = model.named_parameters().Last(p => p.name.EndsWith("bias") && p.parameter.dim() == 1 && p.parameter.shape[0] == 10).parameter;
            bias.sub_(logits.mean([0]));
        }
        var batched = new ShiftSensitivity(classifier, new ShiftOptions(protocol, Batch: 512)).Run(data);
        var one = new ShiftSensitivity(classifier, new ShiftOptions(protocol, Batch: 1)).Run(data);
        Assert.Equal(batched.Measurements.Count, one.Measurements.Count);
        Assert.Contains(batched.Measurements, m => m.Pairs > 0 && m.PChange > 0);
        foreach (var (b, o) in batched.Measurements.Zip(one.Measurements))
        {
            Assert.Equal(b.Pairs, o.Pairs);
            if (b.Pairs > 0)
            {
                Assert.Equal(b.PChange, o.PChange);
                Assert.Equal(b.Mac, o.Mac, 1e-5);
            }
            Assert.Equal(b.WorstCase, o.WorstCase);
        }
    }

    [Fact]
    public void BenchmarkInterleavesWaysAndPassesTheSettingsToThePeer()
    {
        // A stand-in interpreter: "-c import torch" succeeds; a run echoes its batch and thread count back.
        var python = Executable("python", """
            #!/bin/sh
            [ "$1" = "-c" ] && exit 0
            echo "$@" >> "$(dirname "$0")/calls.txt"
            batch=$(echo "$@" | sed 's/.*--batch \([0-9]*\).*/\1/'); threads=$(echo "$@" | sed 's/.*--threads \([0-9]*\).*/\1/')
            echo "{\"peer\": \"pytorch\", \"torch\": \"9.9\", \"model\": \"vggsmall\", \"tile\": 32, \"embed\": 24, \"images\": 2, \"views\": 9, \"pairs\": 16, \"batch\": $batch, \"seconds\": 0.5, \"pairs_per_s\": 32.0, \"p_change\": 0.125, \"mac\": 0.01, \"params\": 288746, \"threads\": $threads}"
            """);
        var script = Path.Combine(folder, "peer.py");
        File.WriteAllText(script, "");
        var peer = new ShiftPeer(script, python);
        var result = new ShiftBenchmark(new ShiftBenchOptions(Images: 2, Repeats: 2), peer).Run();
        Assert.Null(result.PeerNote);
        Assert.Equal(2 * 4, result.Runs.Count);
        Assert.Equal([ShiftWays.MyopiaBatched, ShiftWays.MyopiaBatch1, ShiftWays.PytorchBatched, ShiftWays.PytorchBatch1], result.Runs.Take(4).Select(r => r.Way));
        Assert.Equal([ShiftWays.PytorchBatch1, ShiftWays.PytorchBatched, ShiftWays.MyopiaBatch1, ShiftWays.MyopiaBatched], result.Runs.Skip(4).Select(r => r.Way));
        Assert.Equal(16, result.PairsPerRun);
        Assert.Equal(288_746, result.Params);
        Assert.Equal(32.0, result.Way(ShiftWays.PytorchBatched)!.PairsPerSecond);
        Assert.Equal("9.9", result.TorchVersion);
        var calls = File.ReadAllLines(Path.Combine(folder, "calls.txt"));
        Assert.Equal(4, calls.Length);
        Assert.All(calls, c => Assert.Contains($"--threads {result.Threads} ", c));
        Assert.All(calls, c => Assert.Contains("--model vggsmall --tile 32 --embed 24 --images 2", c));
        Assert.Equal(2, calls.Count(c => c.Contains("--batch 1 ")));
        Assert.Equal(2, calls.Count(c => c.Contains("--batch 512 ")));
        Assert.Equal(Math.Round(result.Way(ShiftWays.MyopiaBatched)!.PairsPerSecond / 32.0, 3), result.BatchedVsPytorch);
    }

    [Fact]
    public void PeerLineParses()
    {
        var line = """{"peer": "pytorch", "torch": "1.13.0a0", "model": "resnet18", "tile": 32, "embed": 24, "images": 8, "views": 9, "pairs": 64, "batch": 512, "seconds": 1.3751, "pairs_per_s": 46.5, "p_change": 0.015625, "mac": 0.00028, "params": 11181642, "threads": 2}""";
        var p = ShiftPeer.Parse(line);
        Assert.Equal(("resnet18", 32, 24, 8, 9, 64, 512), (p.Model, p.Tile, p.Embed, p.Images, p.Views, p.Pairs, p.Batch));
        Assert.Equal((1.3751, 46.5, 0.015625, 0.00028, 11181642L, 2, "1.13.0a0"), (p.Seconds, p.PairsPerSecond, p.PChange, p.Mac, p.Params, p.Threads, p.TorchVersion));
        Assert.Throws<PeerUnavailableException>(() => ShiftPeer.Parse("{not json"));
    }

    /// <summary>The real peer script on tiny settings: its line parses, and it builds networks with Myopia's parameter counts.</summary>
    [PyTorchFact]
    public void ThePeerScriptRunsAndBuildsTheSameNetworks()
    {
        var located = ShiftPeer.Locate(PyTorchReference.Python!);
        Assert.True(File.Exists(located.Script), located.Script);
        var peer = new ShiftPeer(located.Script, PyTorchReference.Python!, located.Reference);
        Assert.Null(peer.CannotRun("vggsmall", "azulay-black"));
        foreach (var model in located.Reference is null ? ["vggsmall"] : new[] { "vggsmall", "resnet18" })
        {
            var r = peer.Run(model, 32, 24, 2, 512, 1, 10, 0, ShiftBenchmark.Norm.Mean, ShiftBenchmark.Norm.Std);
            Assert.Equal((model, 9, 16L, 512), (r.Model, r.Views, r.Pairs, r.Batch));
            Assert.True(r.PairsPerSecond > 0);
            Assert.InRange(r.PChange, 0, 1);
            using var mine = ModelRegistry.Create(model, 10);
            Assert.Equal(ModelRegistry.ParameterCount(mine), r.Params);
        }
        var one = peer.Run("vggsmall", 32, 24, 1, 1, 1, 10, 0, ShiftBenchmark.Norm.Mean, ShiftBenchmark.Norm.Std);
        Assert.Equal((1, 8L), (one.Batch, one.Pairs));
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
        var peer = new ShiftPeer(script, python);
        var note = peer.CannotRun("vggsmall", "azulay-black");
        Assert.Contains("import torch", note);
        Assert.Contains("python3-torch", note);
        Assert.DoesNotContain('\n', note!);
        Assert.Contains("builds only", peer.CannotRun("lenet", "azulay-black"));
        Assert.Contains("azulay-black views only", peer.CannotRun("vggsmall", "zhang"));
        var result = new ShiftBenchmark(new ShiftBenchOptions(Images: 1, Repeats: 1), peer).Run();
        Assert.Equal(note, result.PeerNote);
        Assert.Equal([ShiftWays.MyopiaBatched, ShiftWays.MyopiaBatch1], result.Ways.Select(w => w.Way));
        Assert.Null(result.BatchedVsPytorch);
        Assert.NotNull(result.BatchedVsBatch1);

        // The CLI says so in a note line and carries on with Myopia's figures.
        var o = CliProcess.Run("bench", "shift", "--images", "1", "--repeats", "1", "--threads", "1", "--python", python, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("PyTorch peer skipped", o.Stderr);
        Assert.Contains("import torch", o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        var first = json.RootElement.GetProperty("cases")[0];
        Assert.True(first.GetProperty("myopia_batched_pairs_s").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("pytorch_batched_pairs_s").ValueKind);
        Assert.Contains("import torch", first.GetProperty("peer_note").GetString());
    }

    [Fact]
    public void CliWithoutPeerWritesTheReportAtomically()
    {
        var outDir = Path.Combine(folder, "out");
        var o = CliProcess.Run("bench", "shift", "--models", "vggsmall,smallcnn", "--images", "2", "--repeats", "1", "--threads", "1", "--no-peer", "--out", outDir);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("image-shift", o.Stdout);
        Assert.Contains("not requested", o.Stderr);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench-shift.json")));
        var cases = report.RootElement.GetProperty("cases");
        Assert.Equal(2, cases.GetArrayLength());
        Assert.Equal("smallcnn", cases[1].GetProperty("model").GetString());
        Assert.Equal(16, cases[0].GetProperty("pairs_per_run").GetInt64());
        Assert.Equal(2, cases[0].GetProperty("ways").GetArrayLength());
        Assert.True(cases[0].GetProperty("batched_vs_batch1").GetDouble() > 0);
        Assert.Contains("load", report.RootElement.GetProperty("load").GetString());
        var md = File.ReadAllText(Path.Combine(outDir, "bench-shift.md"));
        Assert.Contains("| vggsmall | 2 x 8 |", md);
        Assert.DoesNotContain(Directory.GetFiles(outDir), f => !f.EndsWith("bench-shift.json") && !f.EndsWith("bench-shift.md"));
    }

    [Theory]
    [InlineData("--images", "0", "--images")]
    [InlineData("--embed", "40", "--embed must be in 1..32")]
    [InlineData("--models", "nosuch", "unknown model")]
    [InlineData("--protocol", "nonsense", "unknown shift protocol")]
    [InlineData("--repeats", "0", "--repeats")]
    [InlineData("--tile", "2", "--tile")]
    public void BadInputIsOneErrorLineAndExitTwo(string option, string value, string expected)
    {
        var o = CliProcess.Run("bench", "shift", "--no-peer", option, value);
        Assert.Equal(2, o.ExitCode);
        var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    private string Executable(string name, string body)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, body.Replace("\r", "") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
