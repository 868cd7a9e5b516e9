namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// §7's predicted scalings of the idealised pooling network, as exponents and as prediction lines anchored
/// on a measured layer. Stride 1: D ∝ k^−1, G ∝ k^+1/2, R ∝ k^−3/2 (a one-site response diffuses to width
/// ∝ √k, so den ∝ k^−1/2 and num_D ∝ k^−3/2, while the rectified noise's mean survives pooling and num_G
/// stays put). Stride s = F: D ∝ s^−k, G ∝ s^+k, R ∝ s^−2k (a shift changes layer k only when it crosses a
/// block of s^k sites; the noise's positive mean adds up coherently over a block).
/// </summary>
/// <remarks>
/// The laws are asymptotic. For stride s = F the rectified noise of norm √2 on n sites has per-site mean
/// μ = σ/√(2π), σ² = 2/n, so num_G ≈ s^k/π (the mean, pooled coherently) + 2(1/2 − 1/2π) ≈ 0.68 (the
/// fluctuations, which pooling only sums): over k = 1..5 the fitted G exponent is ≈ 0.8, reaching 1 per
/// layer only once s^k/π dominates. D and R carry a finite-size factor 1/(1 − s^k/n) from the denominator.
/// </remarks>
/// <param name="Diffusing">True for stride 1: the exponents are of k (power laws); false: of s^k (exponentials in k).</param>
public sealed record PoolingScaling(bool Diffusing, int Stride, double D, double G, double R)
{
    public static PoolingScaling For(IdealPoolingOptions options) => options.Stride == 1
        ? new(true, 1, -1, 0.5, -1.5)
        : new(false, options.Stride, -1, 1, -2);

    /// <summary>
    /// The predicted value at layer k of a quantity with <paramref name="exponent"/>, through
    /// <paramref name="anchorValue"/> at layer <paramref name="anchorK"/>: y_a·(k/k_a)^e for stride 1,
    /// y_a·s^(e·(k − k_a)) for stride s.
    /// </summary>
    public double Line(double exponent, int anchorK, double anchorValue, double k) => Diffusing
        ? anchorValue * Math.Pow(k / anchorK, exponent)
        : anchorValue * Math.Pow(Stride, exponent * (k - anchorK));

    /// <summary>Prediction lines for D, G and R at layers 1..L, each through the measured value at <paramref name="anchorK"/>.</summary>
    public (double[] D, double[] G, double[] R) Lines(IdealPoolingResult result, int anchorK)
    {
        var a = result.Layer(anchorK).Sensitivities;
        double[] Of(double exponent, double value) => result.Layers.Select(l => Line(exponent, anchorK, value, l.K)).ToArray();
        return (Of(D, a.D), Of(G, a.G), Of(R, a.R));
    }
}
