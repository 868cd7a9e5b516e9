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
        AddClean(clean);
        AddDeformed(clean, deformedImages);
        AddNoisy(clean, noisyImages);
    }

    /// <summary>Adds the clean representations of a batch to the denominator's sums.</summary>
    public void AddClean(Tensor clean)
    {
        using var scope = NewDisposeScope();
        // Sums accumulate in float64 whatever the representation's dtype: the denominator is a difference of two
        // large sums. A float32 representation is not copied to float64 first (the reduction converts as it goes).
        var f = clean.flatten(1);
        sumOfSquares += f.square().sum(ScalarType.Float64).item<double>();
        var batchSum = f.sum([0L], type: ScalarType.Float64).cpu(); // not sum(0): a literal 0 converts to ScalarType and sums everything
        if (sum is null) sum = batchSum.DetachFromDisposeScope();
        else if (sum.shape[0] != batchSum.shape[0]) throw new ArgumentException($"representations of {sum.shape[0]} then {batchSum.shape[0]} features");
        else sum.add_(batchSum);
        Count += f.shape[0];
    }

    /// <summary>Adds Σ‖f(τx) − f(x)‖² of a batch (its clean representations added with <see cref="AddClean"/>).</summary>
    public void AddDeformed(Tensor clean, Tensor deformedImages) => deformed += SquaredDistance(clean, deformedImages);

    /// <summary>Adds Σ‖f(x + η) − f(x)‖² of a batch.</summary>
    public void AddNoisy(Tensor clean, Tensor noisyImages) => noisy += SquaredDistance(clean, noisyImages);

    private static double SquaredDistance(Tensor clean, Tensor other)
    {
        if (!clean.shape.SequenceEqual(other.shape))
            throw new ArgumentException($"clean and perturbed representations differ in shape: {Shape(clean)}, {Shape(other)}");
        using var scope = NewDisposeScope();
        // The difference is taken in the representations' own dtype (float64 when the network runs in float64),
        // the sum of its squares accumulated in float64.
        var difference = clean.dtype == other.dtype ? other - clean : other.to_type(ScalarType.Float64) - clean.to_type(ScalarType.Float64);
        return difference.square().sum(ScalarType.Float64).item<double>();
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
