using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// [P2]'s idealised pooling network (spec §7; notebook cnn_constant_filters.ipynb): what a CNN whose filters
/// have become constant and positive does to a one-site signal, a one-site shift of it, and matched-norm
/// rectified noise. Run measures D_k, G_k and R_k at every layer with the mean estimator
/// (<see cref="MeanSensitivity"/>), in float64.
/// </summary>
/// <remarks>
/// Inputs are the n one-hot vectors of length n (all at once: n ≤ a few hundred). The diffeo is a circular
/// roll by one site, so ‖τx − x‖ = √2 exactly; the noisy input is ReLU(x + η) with η = √2·g/‖g‖, g Gaussian,
/// one draw per input from a <see cref="Random"/> seeded with the options' seed (the same numbers on every
/// machine and libtorch version). The rectification is [P2]'s: it gives the noise a positive mean, which
/// pooling adds up coherently. Each layer is conv1d with the constant filter s/F, stride s, zero padding
/// <see cref="IdealPoolingOptions.Padding"/>, then ReLU(· + b).
/// </remarks>
public static class IdealPoolingNetwork
{
    public static IdealPoolingResult Run(IdealPoolingOptions options)
    {
        if (options.Problem() is { } problem) throw new MyopiaException(problem);
        int n = options.Inputs;
        using var scope = NewDisposeScope();
        var clean = eye(n, dtype: ScalarType.Float64).unsqueeze(1);                 // [n, 1, n]
        var deformed = clean.roll(1, 2);                                            // site p -> p + 1 (mod n)
        var noisy = (clean + tensor(NoiseDirections(n, options.Seed), dtype: ScalarType.Float64).reshape(n, 1, n)).relu();
        var filter = full(new long[] { 1, 1, options.Filter }, (double)options.Stride / options.Filter, dtype: ScalarType.Float64);
        var layers = new List<IdealPoolingLayer>(options.Layers);
        for (int k = 1; k <= options.Layers; k++)
        {
            clean = Layer(clean, filter, options);
            deformed = Layer(deformed, filter, options);
            noisy = Layer(noisy, filter, options);
            using var estimator = new MeanSensitivity();
            estimator.Add(clean, deformed, noisy);
            layers.Add(new IdealPoolingLayer(k, (int)clean.shape[2], estimator.Result()));
        }
        return new IdealPoolingResult(options, layers);
    }

    /// <summary>η for each input, flattened row by row: Gaussian directions scaled to norm √2 = ‖τx − x‖ (spec §2, one draw per input).</summary>
    public static double[] NoiseDirections(int n, int seed)
    {
        var random = new Random(seed);
        var eta = new double[n * n];
        for (int p = 0; p < n; p++)
        {
            var row = eta.AsSpan(p * n, n);
            for (int j = 0; j < n; j++) row[j] = Gaussian(random);
            double norm = 0;
            foreach (var v in row) norm += v * v;
            double scale = Math.Sqrt(2 / norm);
            for (int j = 0; j < n; j++) row[j] *= scale;
        }
        return eta;
    }

    private static Tensor Layer(Tensor h, Tensor filter, IdealPoolingOptions o) =>
        (nn.functional.conv1d(h, filter, stride: o.Stride, padding: o.Padding) + o.Bias).relu();

    // Box–Muller: a standard normal from two uniforms, so the draws depend only on System.Random.
    private static double Gaussian(Random random)
    {
        double u = 1 - random.NextDouble(), v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
