using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// [P2]'s mean estimator of D, G and R for one representation, accumulated batch by batch in float64 so
/// that only a few sums per layer outlive a forward pass:
/// num_D = (1/P) Σ_p ‖f(τ_p x_p) − f(x_p)‖², num_G = (1/P) Σ_p ‖f(x_p + η_p) − f(x_p)‖²,
/// den = (1/P²) Σ_{p,q} ‖f(x_p) − f(x_q)‖² + 1e−10 over all ordered pairs, the zero diagonal included.
/// </summary>
/// <remarks>
/// The pair sum is never formed: (1/P²) Σ_{p,q} ‖f_p − f_q‖² = 2 (mean_p ‖f_p‖² − ‖mean_p f_p‖²) exactly,
/// so the accumulator keeps Σ‖f_p‖² and the vector Σ f_p. Representations are flattened per image (all
/// channels and positions), raw, as the authors compare them: any scale cancels in D, G and R.
/// </remarks>
public sealed class MeanSensitivity : IDisposable
{
    private Tensor? sum;          // Σ_p f_p, float64, one entry per feature
    private double sumOfSquares;  // Σ_p ‖f_p‖²
    private double deformed;      // Σ_p ‖f(τx_p) − f(x_p)‖²
    private double noisy;         // Σ_p ‖f(x_p + η_p) − f(x_p)‖²

    public long Count { get; private set; }

    /// <summary>Adds a batch: the representations of the clean, deformed and noisy images, image by image in the same order.</summary>
    public void Add(Tensor clean, Tensor deformedImages, Tensor noisyImages)
    {
        using var scope = NewDisposeScope();
        var f = clean.flatten(1).to_type(ScalarType.Float64);
        var fd = deformedImages.flatten(1).to_type(ScalarType.Float64);
        var fn = noisyImages.flatten(1).to_type(ScalarType.Float64);
        if (!fd.shape.SequenceEqual(f.shape) || !fn.shape.SequenceEqual(f.shape))
            throw new ArgumentException($"clean, deformed and noisy representations differ in shape: {Shape(f)}, {Shape(fd)}, {Shape(fn)}");
        deformed += (fd - f).square().sum().item<double>();
        noisy += (fn - f).square().sum().item<double>();
        sumOfSquares += f.square().sum().item<double>();
        // dim named: a bare literal 0 binds to sum(ScalarType? type), the whole batch summed as a byte.
        var batchSum = f.sum(dim: 0).cpu();
        if (sum is null) sum = batchSum.DetachFromDisposeScope();
        else sum.add_(batchSum);
        Count += f.shape[0];
    }

    /// <summary>D, G and R over everything added so far.</summary>
    public Sensitivities Result()
    {
        if (Count == 0 || sum is null) throw new InvalidOperationException("no representation was added");
        double p = Count;
        double meanSquare = sumOfSquares / p;
        double squaredMeanNorm = sum.square().sum().item<double>() / (p * p);
        double denominator = 2 * (meanSquare - squaredMeanNorm) + Sensitivities.DenominatorFloor;
        return Sensitivities.From(deformed / p, noisy / p, denominator);
    }

    /// <summary>The same estimator written as its definition (every ordered pair formed), for small P and for tests.</summary>
    public static Sensitivities Direct(Tensor clean, Tensor deformedImages, Tensor noisyImages)
    {
        using var scope = NewDisposeScope();
        var f = clean.flatten(1).to_type(ScalarType.Float64);
        double p = f.shape[0];
        double numD = (deformedImages.flatten(1).to_type(ScalarType.Float64) - f).square().sum().item<double>() / p;
        double numG = (noisyImages.flatten(1).to_type(ScalarType.Float64) - f).square().sum().item<double>() / p;
        var pairs = (f.unsqueeze(0) - f.unsqueeze(1)).square().sum(2);
        double den = pairs.sum().item<double>() / (p * p) + Sensitivities.DenominatorFloor;
        return Sensitivities.From(numD, numG, den);
    }

    public void Dispose() => sum?.Dispose();

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
