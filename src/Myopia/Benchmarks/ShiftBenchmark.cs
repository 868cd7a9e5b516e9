using System.Diagnostics;
using Myopia.Analysis.ShiftStudy;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Benchmarks;

/// <summary>What <c>myopia bench shift</c> times for one network.</summary>
/// <param name="Model">A registry network, with fresh weights seeded by <paramref name="Seed"/> (speed does not depend on the weights).</param>
/// <param name="Tile">Side W of the random images (32: CIFAR-like).</param>
/// <param name="Images">Random images per timed run.</param>
/// <param name="Protocol">A preset of <see cref="ShiftProtocols"/>; the PyTorch peer builds azulay-black only.</param>
/// <param name="Batch">Views per forward pass of the batched ways.</param>
/// <param name="PytorchBatch1">Also time PyTorch one view per forward pass (Azulay's script as it runs).</param>
public sealed record ShiftBenchOptions(string Model = "vggsmall", int Tile = 32, int Images = 64, string Protocol = "azulay-black",
    ShiftSettings? Settings = null, int Batch = 512, int Repeats = 3, int Threads = 0, int Classes = 10, int Seed = 0, bool PytorchBatch1 = true)
{
    public void Validate()
    {
        if (!ModelRegistry.Exists(Model)) throw new MyopiaException($"unknown model '{Model}'; known models: {string.Join(", ", ModelRegistry.Names)}");
        if (Tile < 4) throw new MyopiaException($"--tile must be at least 4, got {Tile}");
        if (Images < 1) throw new MyopiaException($"--images must be at least 1, got {Images}");
        if (Batch < 1) throw new MyopiaException($"--batch must be at least 1, got {Batch}");
        if (Repeats < 1) throw new MyopiaException($"--repeats must be at least 1, got {Repeats}");
        if (Threads < 0) throw new MyopiaException($"--threads must be >= 0, got {Threads}");
        if (Classes < 2) throw new MyopiaException($"--classes must be at least 2, got {Classes}");
        if (Protocol.Equals("internal", StringComparison.OrdinalIgnoreCase))
            throw new MyopiaException("bench shift times the pairs protocols; 'internal' compares feature maps, not pairs");
        ModelRegistry.CheckInputSide(Model, new ModelOptions(Classes, 3), Tile, "--tile");
    }
}

/// <summary>
/// Image-shift pairs per second of one shift protocol, computed three or four ways on the same random
/// images, interleaved in one run (way by way, the order reversed on every other repeat) with medians
/// over repeats, as <see cref="ThroughputComparison"/> does:
/// <list type="number">
/// <item>Myopia batched: <see cref="ShiftSensitivity"/> on an in-memory <see cref="ImageDataset"/> (views built on the tensor side, forward passes of <see cref="ShiftBenchOptions.Batch"/> views).</item>
/// <item>The anchor's way in Myopia: the same code with one view per forward pass (Azulay's CheckTranslationInvariance.py runs batch 1).</item>
/// <item>PyTorch batched doing the same arithmetic (<see cref="ShiftPeer"/>), with the same thread count.</item>
/// <item>Optionally PyTorch one view per forward pass.</item>
/// </list>
/// Each Myopia run times the whole analysis (views, normalisation, forward passes, softmax, tally);
/// the peer times the same work inside its process, after its own warm-up, so interpreter start-up is not counted.
/// </summary>
public sealed class ShiftBenchmark(ShiftBenchOptions options, ShiftPeer? peer)
{
    public static readonly Normalization Norm = new([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

    /// <summary>Receives one line per finished run (for progress on stderr).</summary>
    public Action<string>? Progress { get; init; }

    public ShiftBenchResult Run()
    {
        options.Validate();
        if (options.Threads > 0) set_num_threads(options.Threads);
        int threads = get_num_threads();
        var name = ModelRegistry.Info(options.Model).Name;
        var meanPixel = Norm.Mean.Select(m => m * 255f).ToArray();
        var protocol = ShiftProtocols.Create(options.Protocol, options.Tile, meanPixel, options.Settings);

        manual_seed(options.Seed);
        using var model = ModelRegistry.Create(name, options.Classes);
        model.eval();
        var pixels = randint(0, 256, [options.Images, 3, options.Tile, options.Tile], dtype: ScalarType.Byte);
        var labels = randint(0, options.Classes, [options.Images], dtype: ScalarType.Int64);
        using var data = new ImageDataset("random", pixels, labels, Enumerable.Range(0, options.Classes).Select(i => $"c{i}").ToArray());
        using var classifier = Classifier.FromModule(model, Norm, data.ClassNames, options.Tile, options.Tile, architecture: name);

        int views = protocol.Conditions.Max(c => c.Views);
        using (var warm = data.Take(Math.Min(options.Images, Math.Max(1, options.Batch / views))))
            Measure(classifier, warm, options.Batch);
        using (var one = data.Take(1)) Measure(classifier, one, 1);

        string? peerNote = peer is null ? "PyTorch peer not requested (--no-peer)" : peer.CannotRun(name, protocol.Name);
        if (peerNote is not null && peer is not null) Progress?.Invoke($"PyTorch peer skipped: {peerNote}");
        int embed = protocol.Conditions.OfType<EmbedSequence>().FirstOrDefault()?.Side ?? options.Tile;
        var ways = new List<string> { ShiftWays.MyopiaBatched, ShiftWays.MyopiaBatch1, ShiftWays.PytorchBatched };
        if (options.PytorchBatch1) ways.Add(ShiftWays.PytorchBatch1);
        var runs = new List<ShiftBenchRun>();
        string? torchVersion = null;
        for (int r = 0; r < options.Repeats; r++)
        {
            var order = r % 2 == 0 ? ways : Enumerable.Reverse(ways).ToList();
            foreach (var way in order)
            {
                int batch = way is ShiftWays.MyopiaBatch1 or ShiftWays.PytorchBatch1 ? 1 : options.Batch;
                ShiftBenchRun run;
                if (ShiftWays.PeerOf(way) == "myopia")
                {
                    var (pairs, seconds, pChange, mac) = Measure(classifier, data, batch);
                    run = new ShiftBenchRun(way, r + 1, batch, options.Images, pairs, seconds, pChange, mac);
                }
                else
                {
                    if (peerNote is not null) continue;
                    try
                    {
                        var p = peer!.Run(name, options.Tile, embed, options.Images, batch, threads, options.Classes, options.Seed, Norm.Mean, Norm.Std);
                        torchVersion = p.TorchVersion;
                        run = new ShiftBenchRun(way, r + 1, batch, p.Images, p.Pairs, p.Seconds, p.PChange, p.Mac);
                    }
                    catch (PeerUnavailableException e)
                    {
                        peerNote = e.Message;
                        Progress?.Invoke($"PyTorch peer skipped: {e.Message}");
                        continue;
                    }
                }
                runs.Add(run);
                Progress?.Invoke($"repeat {r + 1}/{options.Repeats} {way,-16} {run.PairsPerSecond,9:F1} pairs/s ({run.Pairs} pairs in {run.Seconds:F2} s, P(change) {run.PChange:F3})");
            }
        }

        var condition = string.Join("; ", protocol.Conditions.Select(c => $"{c.Label}: {c.Parameters}"));
        return new ShiftBenchResult(name, options.Tile, protocol.Name, condition, options.Images, views, runs[0].Pairs, options.Batch,
            ModelRegistry.ParameterCount(model), threads, options.Repeats, ShiftBenchResult.Summarize(runs), runs, peerNote,
            Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), torchVersion);
    }

    /// <summary>One timed run of <see cref="ShiftSensitivity"/> with <paramref name="batch"/> views per forward pass.</summary>
    private (long Pairs, double Seconds, double PChange, double Mac) Measure(Classifier classifier, ImageDataset data, int batch)
    {
        var sensitivity = new ShiftSensitivity(classifier, new ShiftOptions(options.Protocol, options.Settings, null, batch));
        var clock = Stopwatch.StartNew();
        var result = sensitivity.Run(data);
        double seconds = clock.Elapsed.TotalSeconds;
        var measured = result.Measurements.Where(m => m.Pairs > 0).ToList();
        long pairs = measured.Sum(m => m.Pairs);
        double Weighted(Func<ShiftMeasurement, double> f) => pairs == 0 ? double.NaN : measured.Sum(m => f(m) * m.Pairs) / pairs;
        return (pairs, seconds, Weighted(m => m.PChange), Weighted(m => m.Mac));
    }
}
