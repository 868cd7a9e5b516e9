using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

public sealed record InitScalingPoint(double Epsilon, double SecondaryOverDominant);

/// <summary>The dominant-frequency bias against initialisation scale, with the fitted log-log slope for small epsilon.</summary>
public sealed record InitScalingResult(string Dataset, List<InitScalingPoint> Points, double Slope, double SlopeFitMaxEpsilon);

/// <summary>
/// Trains the linear CNN from initialisations of several scales and measures, at the end, the
/// largest secondary/dominant kernel amplitude ratio over the parts; the theory predicts the ratio
/// vanishes as a power of epsilon.
/// </summary>
public sealed class InitScalingSweep(LinearDynamicsOptions options, double[] epsilons, double fitMaxEpsilon = 1e-3)
{
    public InitScalingResult Run(Action<double>? progress = null)
    {
        options.Validate();
        if (epsilons.Length == 0 || epsilons.Any(e => !(e > 0) || double.IsInfinity(e)))
            throw new MyopiaException($"initialisation scales must be positive numbers, got {string.Join(",", epsilons)}");
        int threads = get_num_threads();
        set_num_threads(1); // tiny tensors: threads only add overhead
        try { return RunSingleThreaded(progress); }
        finally { set_num_threads(threads); }
    }

    private InitScalingResult RunSingleThreaded(Action<double>? progress)
    {
        var points = new List<InitScalingPoint>();
        using var data = options.CreateDataset();
        if (data.Parts is null) throw new MyopiaException("the init-scaling sweep needs a synthetic part dataset (canonical, 1d-bias, 1d-order or config)");
        using var structure = new DatasetStructure(data);
        foreach (var eps in epsilons)
        {
            progress?.Invoke(eps);
            using var generator = new Generator((ulong)options.Seed + 1);
            using var cnn = new LinearCnn(data.Shape, data.Outputs, eps, generator, options.Kernel);
            GradientDescent.Train(cnn, data, structure, options.Lr, options.StepsCnn);
            using var spectrum = cnn.KernelSpectrum();
            var flat = spectrum.contiguous().data<double>().ToArray();
            int w = data.Shape.Length == 1 ? 1 : data.Shape[1];
            double At(int[] f) => flat[data.Shape.Length == 1 ? Mod(f[0], data.Shape[0]) : Mod(f[0], data.Shape[0]) * w + Mod(f[1], w)];
            double ratio = data.Parts.Parts.Max(p => p.Secondary.Select(t => At(t.Frequency)).DefaultIfEmpty(0).Max() / At(p.Dominant.Frequency));
            points.Add(new InitScalingPoint(eps, ratio));
        }
        var fit = points.Where(p => p.Epsilon <= fitMaxEpsilon && p.SecondaryOverDominant > 0).ToList();
        double slope = double.NaN;
        if (fit.Count >= 2)
        {
            double mx = fit.Average(p => Math.Log10(p.Epsilon)), my = fit.Average(p => Math.Log10(p.SecondaryOverDominant));
            slope = fit.Sum(p => (Math.Log10(p.Epsilon) - mx) * (Math.Log10(p.SecondaryOverDominant) - my)) / fit.Sum(p => Math.Pow(Math.Log10(p.Epsilon) - mx, 2));
        }
        return new InitScalingResult(data.Name, points, slope, fitMaxEpsilon);
    }

    private static int Mod(int a, int n) => ((a % n) + n) % n;
}
