using System.Diagnostics;
using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

/// <summary>The lab's settings: which data, both networks' hyperparameters, and the seed.</summary>
public sealed record LinearDynamicsOptions
{
    /// <summary>canonical, 1d-bias, 1d-order, mnist or config.</summary>
    public string Setup { get; init; } = "canonical";
    public string? ConfigPath { get; init; }
    public string? MnistFolder { get; init; }
    public int MnistSide { get; init; } = 7;
    public int MnistPerClass { get; init; } = 5;
    public double Lr { get; init; } = 0.02;
    public double Epsilon { get; init; } = 1e-6;
    public int StepsCnn { get; init; } = 6000;
    public int StepsFcnn { get; init; } = 40000;
    public int Hidden { get; init; } = 32;
    /// <summary>Side k of a k x k kernel; null: full size.</summary>
    public int? Kernel { get; init; }
    public int Seed { get; init; } = 42;
    public bool Fcnn { get; init; } = true;

    public static readonly string[] Setups = ["canonical", "1d-bias", "1d-order", "mnist", "config"];

    /// <summary>Rejects impossible settings with one clear message, before any data is built.</summary>
    public void Validate()
    {
        if (!Setups.Contains(Setup)) throw new MyopiaException($"unknown setup '{Setup}'; use one of {string.Join(", ", Setups)}");
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new MyopiaException($"--lr must be a positive number, got {Lr}");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new MyopiaException($"--epsilon must be a positive number, got {Epsilon}");
        if (StepsCnn < 1) throw new MyopiaException($"--steps-cnn must be at least 1, got {StepsCnn}");
        if (StepsFcnn < 1) throw new MyopiaException($"--steps-fcnn must be at least 1, got {StepsFcnn}");
        if (Hidden < 1) throw new MyopiaException($"--hidden must be at least 1, got {Hidden}");
        if (Kernel is < 1) throw new MyopiaException($"--kernel must be at least 1, got {Kernel}");
        if (Setup == "config" && ConfigPath is null) throw new MyopiaException("--setup config needs --config FILE");
        if (Setup == "mnist" && MnistFolder is null) throw new MyopiaException("--setup mnist needs --data-dir (the MNIST IDX folder)");
    }

    public LinearDataset CreateDataset() => Setup switch
    {
        "canonical" => LinearDataset.FromParts("canonical", LinearDataset.Canonical()),
        "1d-bias" => LinearDataset.FromParts("1d-bias", LinearDataset.OneDimensionalBias()),
        "1d-order" => LinearDataset.FromParts("1d-order", LinearDataset.OneDimensionalOrder()),
        "mnist" => LinearDataset.FromMnist(MnistFolder ?? throw new MyopiaException("--setup mnist needs --data-dir (the MNIST IDX folder)"), MnistSide, MnistPerClass),
        "config" => LinearDataset.FromParts(Path.GetFileNameWithoutExtension(ConfigPath!), LinearDataset.FromConfig(ConfigPath ?? throw new MyopiaException("--setup config needs --config FILE"))),
        _ => throw new MyopiaException($"unknown setup '{Setup}'; use one of {string.Join(", ", Setups)}"),
    };
}

/// <summary>Measured against predicted learning of one mode by one network.</summary>
public sealed record ModeLearning(int Mode, double S, double Kappa, int? HalfStepMeasured, double? HalfStepPredicted,
    double? RateRatioMeasured, double RateRatioPredicted, double? EffectiveA0, double? PredictionR2);

/// <summary>What one network did.</summary>
public sealed record NetworkSummary(string Network, int Steps, double[] Plateaus, double FinalLoss, List<ModeLearning> Modes,
    double AblateDominant, double AblateSecondary, double Seconds);

/// <summary>For each part: the learned kernel's amplitude at the secondary frequencies over that at the dominant one.</summary>
public sealed record PartBias(string Part, int[] Dominant, double DominantAmplitude, double SecondaryOverDominant);

public sealed record LinearDynamicsSummary(string Dataset, LinearDynamicsOptions Options, List<StructureMode> Structure,
    NetworkSummary Cnn, NetworkSummary? Fcnn, List<PartBias> KernelBias, double Seconds);

/// <summary>Everything a run produced: the summary plus the curves and spectra for CSVs and plots.</summary>
public sealed record LinearDynamicsResult(LinearDynamicsSummary Summary, Trajectory Cnn, Trajectory? Fcnn,
    int[] Shape, double[][] KernelSpectra, int[] KernelSpectrumSteps, double[][] PhiSpectra);

/// <summary>
/// The linear-network lab: builds the dataset, analyses its structure, trains a two-layer linear CNN
/// and a linear FCNN by full-batch gradient descent from a small initialisation, and compares the
/// measured stage-like learning with the closed-form predictions.
/// </summary>
public sealed class LinearDynamicsExperiment(LinearDynamicsOptions options)
{
    public LinearDynamicsResult Run(Action<string, int, int>? progress = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        // The tensors are tiny (a few images of 256 pixels): one thread avoids libtorch's thread-pool overhead, which dominates otherwise.
        int threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        try { return RunSingleThreaded(progress, clock); }
        finally { TorchSharp.torch.set_num_threads(threads); }
    }

    private LinearDynamicsResult RunSingleThreaded(Action<string, int, int>? progress, Stopwatch clock)
    {
        if (!(options.Epsilon > 0)) throw new MyopiaException($"--epsilon must be positive, got {options.Epsilon}");
        using var data = options.CreateDataset();
        using var structure = new DatasetStructure(data);
        using var generator = new Generator((ulong)options.Seed + 1);

        using var cnn = new LinearCnn(data.Shape, data.Outputs, options.Epsilon, generator, options.Kernel);
        var spectra = new List<double[]>();
        var spectrumSteps = new List<int>();
        var snapshotAt = new HashSet<int> { 0, options.StepsCnn / 2, options.StepsCnn };
        var watch = Stopwatch.StartNew();
        var cnnTrajectory = GradientDescent.Train(cnn, data, structure, options.Lr, options.StepsCnn,
            (t, n) => progress?.Invoke("linear CNN", t, n),
            t =>
            {
                if (!snapshotAt.Contains(t)) return;
                using var s = cnn.KernelSpectrum();
                spectra.Add(s.contiguous().data<double>().ToArray());
                spectrumSteps.Add(t);
            });
        var cnnSummary = Summarize(cnnTrajectory, structure, data, cnn, true, watch.Elapsed.TotalSeconds);

        Trajectory? fcnnTrajectory = null;
        NetworkSummary? fcnnSummary = null;
        if (options.Fcnn)
        {
            using var fcnn = new LinearFcnn(data.Inputs, options.Hidden, data.Outputs, options.Epsilon, generator);
            watch.Restart();
            fcnnTrajectory = GradientDescent.Train(fcnn, data, structure, options.Lr, options.StepsFcnn, (t, n) => progress?.Invoke("linear FCNN", t, n));
            fcnnSummary = Summarize(fcnnTrajectory, structure, data, fcnn, false, watch.Elapsed.TotalSeconds);
        }

        var bias = data.Parts is null ? [] : KernelBias(data, spectra[^1]);
        var phi = structure.Spectra.reshape(structure.Modes.Count, -1);
        var phiSpectra = Enumerable.Range(0, structure.Modes.Count).Select(a => phi[a].data<double>().ToArray()).ToArray();
        var summary = new LinearDynamicsSummary(data.Name, options, [.. structure.Modes], cnnSummary, fcnnSummary, bias, clock.Elapsed.TotalSeconds);
        return new LinearDynamicsResult(summary, cnnTrajectory, fcnnTrajectory, data.Shape, [.. spectra], [.. spectrumSteps], phiSpectra);
    }

    private NetworkSummary Summarize(Trajectory trajectory, DatasetStructure structure, LinearDataset data, ILinearNetwork network, bool isCnn, double seconds)
    {
        var modes = new List<ModeLearning>();
        foreach (var m in structure.Modes)
        {
            double rate = isCnn ? LearningTheory.CnnRate(m.S, m.Kappa, options.Lr) : LearningTheory.FcnnRate(m.S, options.Lr);
            var measuredRate = trajectory.GrowthRate(m.Index, m.S);
            var a0 = LearningTheory.EffectiveInitial(trajectory, m.Index, m.S, rate);
            double? predictedHalf = a0 is { } v && v > 0 && v < m.S ? LearningTheory.HalfTime(m.S, v, rate) : null;
            double? r2 = null;
            if (a0 is { } a && a > 0 && a < m.S)
            {
                var measured = trajectory.ModeStrength.Select(x => x[m.Index]).ToArray();
                var predicted = trajectory.Steps.Select(t => isCnn ? LearningTheory.Logistic(t, m.S, a, rate) : LearningTheory.Saxe(t, m.S, a, options.Lr)).ToArray();
                r2 = LearningTheory.RSquared(measured, predicted);
            }
            modes.Add(new ModeLearning(m.Index, m.S, m.Kappa, trajectory.HalfLearningStep(m.Index, m.S), predictedHalf,
                measuredRate / (2 * m.S * options.Lr), isCnn ? m.Kappa : 1, a0, r2));
        }
        double dominant = double.NaN, secondary = double.NaN;
        if (data.Parts is { } parts)
        {
            dominant = FrequencyAblation.CorrectClassOutput(network, data, FrequencyAblation.Dominant(parts));
            secondary = FrequencyAblation.CorrectClassOutput(network, data, FrequencyAblation.Secondary(parts));
        }
        return new NetworkSummary(network.Kind, trajectory.Steps[^1], trajectory.Plateaus(), trajectory.Loss[^1], modes, dominant, secondary, seconds);
    }

    private static List<PartBias> KernelBias(LinearDataset data, double[] finalSpectrum)
    {
        int w = data.Shape.Length == 1 ? 1 : data.Shape[1];
        double At(int[] f)
        {
            int row = ((f[0] % data.Shape[0]) + data.Shape[0]) % data.Shape[0];
            int col = data.Shape.Length == 1 ? 0 : ((f[1] % w) + w) % w;
            return finalSpectrum[data.Shape.Length == 1 ? row : row * w + col];
        }
        return data.Parts!.Parts.Select(p =>
        {
            double d = At(p.Dominant.Frequency);
            double s = p.Secondary.Select(t => At(t.Frequency)).DefaultIfEmpty(0).Max();
            return new PartBias(p.Name, p.Dominant.Frequency, d, s / d);
        }).ToList();
    }
}
