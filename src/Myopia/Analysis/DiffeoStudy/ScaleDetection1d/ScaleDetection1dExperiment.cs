using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>D, G and R of one block (0: the input signal) at initialisation and after training.</summary>
/// <param name="Block">k: 0 is the input, 1..L the blocks.</param>
/// <param name="Positions">Spatial positions of the block's output (n / 2^k).</param>
public sealed record BlockSensitivities(int Block, int Positions, Sensitivities Init, Sensitivities Trained);

/// <summary>The 1-D experiment's result: per-block sensitivities at init and trained, how training went, what was measured on.</summary>
public sealed record ScaleDetection1dResult(
    ScaleDetection1dOptions Options,
    IReadOnlyList<BlockSensitivities> Blocks,
    ScaleDetection1dTraining Training,
    int PlusSignals,
    int MinusSignals,
    int ProbeCount,
    double NoiseVariance,
    double Seconds) : IAnalysisResult
{
    public IReadOnlyDictionary<string, object> Headline()
    {
        var last = Blocks[^1];
        var headline = new Dictionary<string, object>
        {
            ["task"] = Options.Task, ["n"] = Options.Length, ["xi"] = Options.Xi, ["width"] = Options.Width, ["blocks"] = Options.Blocks,
            ["epochs"] = Training.Epochs, ["train_hinge_loss"] = Training.FinalHingeLoss, ["train_error"] = Training.TrainError,
            ["validation_error"] = Training.ValidationError, ["test_error"] = Training.TestError, ["probes"] = ProbeCount,
            ["d_last_init"] = last.Init.D, ["g_last_init"] = last.Init.G, ["r_last_init"] = last.Init.R,
            ["d_last_trained"] = last.Trained.D, ["g_last_trained"] = last.Trained.G, ["r_last_trained"] = last.Trained.R,
        };
        if (Training.ZeroLossEpoch is { } z) headline["zero_loss_epoch"] = z;
        return headline;
    }
}

/// <summary>
/// The 1-D scale-detection experiment of Tomasini et al. 2023 (Fig. 7; UmbertoTomasini/scale_detection_1d):
/// build the data, measure D_k, G_k, R_k of every block of the initialised net, train it, measure again.
/// Probes: the first <see cref="ScaleDetection1dOptions.Probes"/>/2 test signals of each class. Diffeo:
/// <see cref="SiteShift"/>; noise: <see cref="RectifiedNoise"/>; representation of block k: its activation
/// averaged over the H channels (n/2^k numbers per signal, the authors' Mean = True); estimator:
/// <see cref="MeanSensitivity"/> (the authors' cdist-based formula, with the project's 1e−10 floor for their 1e−30).
/// </summary>
public sealed class ScaleDetection1dExperiment(ScaleDetection1dOptions options)
{
    private const int MeasureBatch = 200;

    public ScaleDetection1dOptions Options { get; } = options.Validate();

    public ScaleDetection1dResult Run(IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var data = new ScaleDetection1dData(Options);
        var probes = Probes(data);
        using var clean = data.Signals(probes);
        using var deformed = ScaleDetection1dData.Signals(SiteShift.Apply(probes, Options.Length, Options.Xi, Options.Seed), Options.Length, Options.Amplitude);
        double variance = RectifiedNoise.Variance(clean, deformed);
        using var noisy = RectifiedNoise.Apply(clean, variance, Options.Seed);

        using var net = new ScaleDetection1dNet(Options.Blocks, Options.Width, Options.FilterSize, Options.Seed);
        var init = Measure(net, clean, deformed, noisy, progress, "measuring at init", cancellation);
        var training = ScaleDetection1dTrainer.Train(net, data, progress, cancellation);
        var trained = Measure(net, clean, deformed, noisy, progress, "measuring trained", cancellation);
        var blocks = init.Select((s, k) => new BlockSensitivities(k, Options.Length >> k, s, trained[k])).ToList();
        return new ScaleDetection1dResult(Options, blocks, training, data.PlusCount, data.MinusCount, probes.Count, variance, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Half the probes from each class of the test split.</summary>
    public static List<SitePair> Probes(ScaleDetection1dData data)
    {
        int half = data.Options.Probes / 2;
        var minus = data.Test.Where(p => p.Label > 0).ToList();
        var plus = data.Test.Where(p => p.Label < 0).ToList();
        if (plus.Count < half || minus.Count < half)
            throw new MyopiaException($"--probes {data.Options.Probes} asks for more than the {Math.Min(plus.Count, minus.Count) * 2} balanced test signals");
        return [.. plus.Take(half), .. minus.Take(half)];
    }

    /// <summary>Sensitivities of the input (k = 0) and of every block's channel-averaged activation.</summary>
    public static List<Sensitivities> Measure(ScaleDetection1dNet net, Tensor clean, Tensor deformed, Tensor noisy,
        IProgress<AnalysisProgress>? progress = null, string stage = "measuring", CancellationToken cancellation = default)
    {
        net.eval();
        var accumulators = Enumerable.Range(0, net.Blocks + 1).Select(_ => new MeanSensitivity()).ToList();
        try
        {
            long n = clean.shape[0];
            for (long start = 0; start < n; start += MeasureBatch)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                long count = Math.Min(MeasureBatch, n - start);
                var x = clean.narrow(0, start, count);
                var xd = deformed.narrow(0, start, count);
                var xn = noisy.narrow(0, start, count);
                accumulators[0].Add(x, xd, xn);
                var a = net.Activations(x);
                var ad = net.Activations(xd);
                var an = net.Activations(xn);
                for (int k = 0; k < net.Blocks; k++)
                    accumulators[k + 1].Add(a[k].mean([1]), ad[k].mean([1]), an[k].mean([1]));
                progress?.Report(new AnalysisProgress(stage, start + count, n));
            }
            return accumulators.Select(s => s.Result()).ToList();
        }
        finally
        {
            foreach (var s in accumulators) s.Dispose();
        }
    }
}
