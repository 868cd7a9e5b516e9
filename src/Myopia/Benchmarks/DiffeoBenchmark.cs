using System.Diagnostics;
using Myopia.Analysis.DiffeoStudy;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Benchmarks;

/// <summary>What <c>myopia bench diffeo</c> times.</summary>
/// <param name="Model">The registry network of the D/G/R pass, with fresh weights seeded by <paramref name="Seed"/>, in eval mode (running statistics).</param>
/// <param name="Tile">Side n of the random images (32: CIFAR-like).</param>
/// <param name="Images">Images deformed per timed generator run.</param>
/// <param name="DeformBatch">Images per batch of the generator.</param>
/// <param name="Probes">P: probes of one D/G/R pass.</param>
/// <param name="Batch">Probes per chunk of the pass (both sides).</param>
/// <param name="Displacement">δ in pixels (T = 4δ²/(π n² ln c)).</param>
/// <param name="Cutoff">c, the highest mode.</param>
/// <param name="Generator">Time the generator ways.</param>
/// <param name="Pass">Time the D/G/R passes.</param>
/// <param name="PytorchBatched">Also time the PyTorch generator batched (besides the authors' per-image deform()).</param>
/// <param name="Float64">Run the pass in float64, as the authors do; false: float32 on both sides (a check of the frameworks apart from float64 BLAS).</param>
public sealed record DiffeoBenchOptions(string Model = "resnet18", int Tile = 32, int Images = 1000, int DeformBatch = 100, int Probes = 500, int Batch = 100,
    double Displacement = 1.0, int Cutoff = 3, int Repeats = 3, int Threads = 0, int Classes = 10, int Seed = 0,
    bool Generator = true, bool Pass = true, bool PytorchBatched = true, bool Float64 = true)
{
    public void Validate()
    {
        if (!ModelRegistry.Exists(Model)) throw new MyopiaException($"unknown model '{Model}'; known models: {string.Join(", ", ModelRegistry.Names)}");
        if (Tile < 4) throw new MyopiaException($"--tile must be at least 4, got {Tile}");
        if (Images < 1) throw new MyopiaException($"--images must be at least 1, got {Images}");
        if (DeformBatch < 1) throw new MyopiaException($"--deform-batch must be at least 1, got {DeformBatch}");
        if (Probes < 2) throw new MyopiaException($"--probes must be at least 2 (the denominator compares probes with each other), got {Probes}");
        if (Batch < 1) throw new MyopiaException($"--batch must be at least 1, got {Batch}");
        if (!(Displacement > 0) || double.IsInfinity(Displacement)) throw new MyopiaException($"--displacement must be a positive number of pixels, got {Displacement}");
        if (Cutoff < 2) throw new MyopiaException($"--cutoff must be at least 2, got {Cutoff}");
        if (Repeats < 1) throw new MyopiaException($"--repeats must be at least 1, got {Repeats}");
        if (Threads < 0) throw new MyopiaException($"--threads must be >= 0, got {Threads}");
        if (Classes < 2) throw new MyopiaException($"--classes must be at least 2, got {Classes}");
        if (!Generator && !Pass) throw new MyopiaException("--no-generator and --no-pass leave nothing to time");
        if (Pass) ModelRegistry.CheckInputSide(Model, new ModelOptions(Classes, 3), Tile, "--tile");
    }
}

/// <summary>
/// The diffeomorphism lab's two costs, Myopia against PyTorch doing the same arithmetic the authors' way
/// (<see cref="DiffeoPeer"/>), interleaved in one run (way by way, the order reversed on every other repeat)
/// with medians over repeats, as <see cref="ShiftBenchmark"/> does:
/// <list type="number">
/// <item>Deformed images per second: <see cref="DiffeoGenerator.Apply"/> (δ, c, bilinear, an independent field per image) on
/// batches of random float64 N x 3 x n x n images, against diff.py's deform() called per image and, optionally, the same
/// arithmetic batched in PyTorch.</item>
/// <item>One full layer-wise D/G/R pass: <see cref="DiffeoSensitivity"/> (float64, running statistics, P probes in chunks)
/// against the peer's deform-per-probe, matched noise, forward hooks and mean estimator.</item>
/// </list>
/// Myopia's runs time the call (the pass: the whole analysis, model conversion to float64 and back included); the peer
/// times the same work inside its process after its own warm-up, so interpreter start-up and imports are not counted.
/// </summary>
public sealed class DiffeoBenchmark(DiffeoBenchOptions options, DiffeoPeer? peer)
{
    public static readonly Normalization Norm = ShiftBenchmark.Norm;

    /// <summary>Receives one line per finished run (for progress on stderr).</summary>
    public Action<string>? Progress { get; init; }

    public DiffeoBenchResult Run()
    {
        options.Validate();
        if (options.Threads > 0) set_num_threads(options.Threads);
        int threads = get_num_threads();
        var name = ModelRegistry.Info(options.Model).Name;
        double temperature = DiffeoTemperature.ForDisplacement(options.Displacement, options.Tile, options.Cutoff);
        var generator = new DiffeoGenerator(temperature, options.Cutoff, WarpInterpolation.Bilinear);

        manual_seed(options.Seed);
        using var model = ModelRegistry.Create(name, options.Classes);
        model.eval();
        long parameters = ModelRegistry.ParameterCount(model);
        using var images = randn([options.Images, 3, options.Tile, options.Tile], ScalarType.Float64);
        using var pixels = randint(0, 256, [options.Probes, 3, options.Tile, options.Tile], dtype: ScalarType.Byte);
        using var labels = randint(0, options.Classes, [options.Probes], dtype: ScalarType.Int64);
        using var data = new ImageDataset("random", pixels.clone(), labels.clone(), Enumerable.Range(0, options.Classes).Select(i => $"c{i}").ToArray());
        using var classifier = Classifier.FromModule(model, Norm, data.ClassNames, options.Tile, options.Tile, architecture: name);

        // Warm-up, untimed: one generator batch, one small pass.
        if (options.Generator)
            using (var warm = images.narrow(0, 0, Math.Min(options.Images, options.DeformBatch)))
                Deform(generator, warm);
        if (options.Pass) Pass(classifier, data, Math.Min(options.Probes, Math.Max(2, Math.Min(options.Batch, 8))));

        string? peerNote = peer is null ? "PyTorch peer not requested (--no-peer)" : peer.CannotRun();
        string? passNote = peerNote is null && options.Pass ? peer!.CannotRunPass(name) : null;
        if (peerNote is not null && peer is not null) Progress?.Invoke($"PyTorch peer skipped: {peerNote}");
        if (passNote is not null) Progress?.Invoke($"PyTorch D/G/R pass skipped: {passNote}");

        var ways = new List<string>();
        if (options.Generator)
        {
            ways.AddRange([DiffeoWays.MyopiaGenerator, DiffeoWays.PytorchPerImage]);
            if (options.PytorchBatched) ways.Add(DiffeoWays.PytorchBatched);
        }
        if (options.Pass) ways.AddRange([DiffeoWays.MyopiaPass, DiffeoWays.PytorchPass]);
        var runs = new List<DiffeoBenchRun>();
        string? torchVersion = null;
        for (int r = 0; r < options.Repeats; r++)
        {
            var order = r % 2 == 0 ? ways : Enumerable.Reverse(ways).ToList();
            foreach (var way in order)
            {
                DiffeoBenchRun run;
                bool pass = DiffeoWays.IsPass(way);
                if (way == DiffeoWays.MyopiaGenerator)
                {
                    var (seconds, check) = Deform(generator, images);
                    run = new DiffeoBenchRun(way, r + 1, options.DeformBatch, options.Images, seconds, check);
                }
                else if (way == DiffeoWays.MyopiaPass)
                {
                    var (seconds, rOut, nodes) = Pass(classifier, data, options.Probes);
                    run = new DiffeoBenchRun(way, r + 1, options.Batch, options.Probes, seconds, rOut, nodes);
                }
                else
                {
                    if (peerNote is not null || (pass && passNote is not null)) continue;
                    try
                    {
                        var p = pass
                            ? peer!.RunPass(name, options.Tile, options.Probes, options.Batch, options.Displacement, options.Cutoff, threads, options.Classes,
                                options.Seed, Norm.Mean, Norm.Std, options.Float64)
                            : peer!.RunGenerator(way == DiffeoWays.PytorchPerImage, options.Tile, options.Images, options.DeformBatch, options.Displacement,
                                options.Cutoff, threads, options.Seed);
                        torchVersion = p.TorchVersion;
                        run = pass
                            ? new DiffeoBenchRun(way, r + 1, p.Batch, p.Probes ?? options.Probes, p.Seconds, p.ROutput ?? double.NaN, p.Nodes ?? 0)
                            : new DiffeoBenchRun(way, r + 1, p.Batch, p.Images ?? options.Images, p.Seconds, p.Check ?? double.NaN);
                    }
                    catch (PeerUnavailableException e)
                    {
                        if (pass) passNote = e.Message; else peerNote = e.Message;
                        Progress?.Invoke($"PyTorch {(pass ? "D/G/R pass" : "peer")} skipped: {e.Message}");
                        continue;
                    }
                }
                runs.Add(run);
                Progress?.Invoke(pass
                    ? $"repeat {r + 1}/{options.Repeats} {way,-26} {run.ItemsPerSecond,9:F2} probes/s ({run.Items} probes in {run.Seconds:F2} s, {run.Nodes} nodes, R_out {run.Check:F4})"
                    : $"repeat {r + 1}/{options.Repeats} {way,-26} {run.ItemsPerSecond,9:F1} images/s ({run.Items} images in {run.Seconds:F3} s, mean |tau x - x|^2 {run.Check:F1})");
            }
        }

        string? note = peerNote ?? (passNote is null ? null : $"D/G/R pass: {passNote}");
        return new DiffeoBenchResult(name, options.Tile, options.Displacement, options.Cutoff, temperature, options.Images, options.DeformBatch, options.Probes,
            options.Batch, options.Float64, parameters, threads, options.Repeats, DiffeoBenchResult.Summarize(runs), runs, note,
            Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), torchVersion);
    }

    /// <summary>One timed generator run: every image deformed, batch by batch; the check is the mean of ‖τx − x‖² over images.</summary>
    private (double Seconds, double Check) Deform(DiffeoGenerator generator, Tensor images)
    {
        double total = 0;
        long count = images.shape[0];
        var clock = Stopwatch.StartNew();
        for (long start = 0; start < count; start += options.DeformBatch)
        {
            using var scope = NewDisposeScope();
            var part = images.narrow(0, start, Math.Min(options.DeformBatch, count - start));
            var deformed = generator.Apply(part, start, options.Seed);
            total += (deformed - part).square().sum().item<double>();
        }
        return (clock.Elapsed.TotalSeconds, total / count);
    }

    /// <summary>One timed layer-wise pass of <see cref="DiffeoSensitivity"/> on <paramref name="probes"/> probes: seconds, R at the output, nodes measured.</summary>
    private (double Seconds, double ROutput, int Nodes) Pass(Classifier classifier, ImageDataset data, int probes)
    {
        var sensitivity = new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: probes, Displacement: options.Displacement, Cutoff: options.Cutoff,
            Seed: options.Seed, LayerWise: true, Statistics: NormStatistics.Running, Float64: options.Float64, Batch: options.Batch));
        var clock = Stopwatch.StartNew();
        var result = sensitivity.Run(data);
        double seconds = clock.Elapsed.TotalSeconds;
        var variant = result.Variants[0];
        return (seconds, variant.Nodes[^1].Sensitivities.R, variant.Nodes.Count);
    }
}
