namespace Myopia.Analysis.TileStudy;

/// <summary>
/// Parameters of the patch error model: image side h, training images N, classes k, effective
/// stride s between counted tiles, and alpha (the patch dimension is 3t^2 / alpha).
/// </summary>
public sealed record PatchErrorParameters(string Name, double H, double N, double K, double S, double Alpha = 3)
{
    public void Validate()
    {
        if (!(H > 0) || !(N >= 1) || !(K >= 1) || !(S > 0) || !(Alpha > 0) || !new[] { H, N, K, S, Alpha }.All(double.IsFinite))
            throw new MyopiaException($"patch error model needs h > 0, N >= 1, k >= 1, s > 0 and alpha > 0 (got h={H}, N={N}, k={K}, s={S}, alpha={Alpha})");
    }
}

/// <summary>The dataset presets of the tile study (its noise_model.py).</summary>
public static class PatchErrorPresets
{
    public static readonly IReadOnlyList<PatchErrorParameters> All =
    [
        new("cifar10", 32, 50_000, 10, 1),
        new("cifar100", 32, 50_000, 100, 1),
        new("stl10", 96, 5_000, 10, 5),
        new("tiny-imagenet", 64, 100_000, 200, 3),
        new("imagenet", 256, 1_200_000, 1000, 4),
        new("imagenet512", 512, 1_200_000, 1000, 8),
        new("stl10-32", 32, 5_000, 10, 2),
        // Ours, not the study's: the built-in synthetic set at its defaults (10,000 train images, 10 classes).
        new("synthetic", 32, 10_000, 10, 1),
    ];

    public static PatchErrorParameters? TryGet(string name) =>
        All.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static PatchErrorParameters Get(string name) => TryGet(name)
        ?? throw new MyopiaException($"no patch error preset '{name}'; presets: {string.Join(", ", All.Select(p => p.Name))} (or give --h --n --k --s)");
}

/// <summary>A sampled err(t) curve and its minimum.</summary>
public sealed record PatchErrorCurve(PatchErrorParameters Parameters, double[] T, double[] Err, double TMin, double ErrMin);

/// <summary>
/// The tile study's a-priori model of test error against tile side t:
/// n_t = ((h - t)/s + 1)^2 tiles an image; M = (N n_t)^(-alpha/(3t^2)) the mesh norm of N n_t
/// patches in dimension 3t^2/alpha; G = (t/h)^(-1/(3t^2)); E = 0.5 sqrt(k) (-ln(t/h)) the
/// training error from patch-label noise; err(t) = (M G + E) / sqrt(n_t).
/// M is computed in log space: it overflows for t below 1.
/// </summary>
public static class PatchErrorModel
{
    /// <summary>Most grid points a curve is computed on (h / step).</summary>
    public const int MaxPoints = 10_000_000;

    public static double Error(PatchErrorParameters p, double t)
    {
        if (!(t > 0) || t > p.H) throw new MyopiaException($"tile side t must be in (0, h={p.H}], got {t}");
        double tilesPerImage = Math.Pow((p.H - t) / p.S + 1, 2);
        double dimension = 3 * t * t;
        double logMesh = -p.Alpha / dimension * Math.Log(p.N * tilesPerImage);
        double logGradient = -1 / dimension * Math.Log(t / p.H);
        double labelNoise = 0.5 * Math.Sqrt(p.K) * -Math.Log(t / p.H);
        return (Math.Exp(logMesh + logGradient) + labelNoise) / Math.Sqrt(tilesPerImage);
    }

    /// <summary>err(t) on t = step, 2 step, ..., h (the paper's grid: step 0.1).</summary>
    public static PatchErrorCurve Curve(PatchErrorParameters p, double step = 0.1)
    {
        p.Validate();
        if (!(step > 0) || step > p.H) throw new MyopiaException($"step must be in (0, h], got {step}");
        if (p.H / step > MaxPoints) throw new MyopiaException($"step {step} gives more than {MaxPoints:N0} points over t in (0, {p.H}]; use a larger step");
        int count = (int)Math.Floor(p.H / step + 1e-9);
        var t = Enumerable.Range(1, count).Select(i => Math.Round(i * step, 10)).ToArray();
        var err = t.Select(v => Error(p, v)).ToArray();
        int best = Array.IndexOf(err, err.Min());
        return new PatchErrorCurve(p, t, err, t[best], err[best]);
    }
}
