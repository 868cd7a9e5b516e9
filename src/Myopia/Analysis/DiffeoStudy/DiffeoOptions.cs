using Myopia.Inspection;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>What <see cref="DiffeoSensitivity"/> measures and how.</summary>
/// <param name="Probes">P: probe images, drawn at random (seeded) from the dataset; all of them when it has fewer.</param>
/// <param name="Displacement">δ, the typical displacement in pixels, giving T = 4δ²/(π n² ln c) with n the image side (geometric mean of height and width).</param>
/// <param name="Temperature">T itself, overriding <paramref name="Displacement"/>.</param>
/// <param name="Cutoff">c, the highest mode of the sine series.</param>
/// <param name="Draws">Independent (diffeomorphism, noise) draws per probe; D, G and R are combined over draws (arithmetic mean for the
/// mean estimator, geometric for the median one, as the two papers combine seeds).</param>
/// <param name="Seed">Seed of the probe choice and of every draw.</param>
/// <param name="LayerWise">Measure every selected layer, not only the input and the output.</param>
/// <param name="Layers">Layers measured (default: every leaf layer but dropout).</param>
/// <param name="Statistics">Batch-norm statistics of the measured network (and of its initial copy, measured with <see cref="NormStatistics.Auto"/> as untrained).</param>
/// <param name="Float64">Run the network and the estimators in float64, as [P2]'s code; float32 otherwise (then --precision applies).</param>
/// <param name="Batch">Probes per forward pass (and per batch of batch statistics).</param>
/// <param name="CompareInit">Also measure the same architecture with fresh weights (seed <paramref name="InitSeed"/>).</param>
/// <param name="CompareShuffle">Also measure the network with the input channels of every convolution permuted (seed <paramref name="ShuffleSeed"/>).</param>
/// <param name="Deformation">The deformation τ; null: max-entropy diffeomorphisms of <paramref name="Displacement"/>, <paramref name="Cutoff"/>, <paramref name="Interpolation"/>.</param>
public sealed record DiffeoOptions(
    int Probes = 500,
    double Displacement = 1.0,
    double? Temperature = null,
    int Cutoff = 3,
    WarpInterpolation Interpolation = WarpInterpolation.Bilinear,
    int Draws = 1,
    long Seed = 0,
    bool LayerWise = true,
    LayerSelection? Layers = null,
    NormStatistics Statistics = NormStatistics.Auto,
    bool Float64 = true,
    int Batch = 100,
    bool CompareInit = false,
    long InitSeed = 0,
    bool CompareShuffle = false,
    long ShuffleSeed = 0,
    IDeformation? Deformation = null)
{
    public void Validate()
    {
        if (Probes < 2) throw new MyopiaException($"--probes must be at least 2 (the denominator compares probes with each other), got {Probes}");
        if (Draws < 1) throw new MyopiaException($"--draws must be at least 1, got {Draws}");
        if (Batch < 1) throw new MyopiaException($"--batch must be at least 1, got {Batch}");
        if (!(Displacement > 0) || double.IsInfinity(Displacement)) throw new MyopiaException($"--displacement must be a positive number of pixels, got {Displacement}");
        if (Temperature is { } t && (!(t > 0) || double.IsInfinity(t))) throw new MyopiaException($"--temperature must be a positive number, got {t}");
        if (Cutoff < 2) throw new MyopiaException($"--cutoff must be at least 2, got {Cutoff}");
    }
}
