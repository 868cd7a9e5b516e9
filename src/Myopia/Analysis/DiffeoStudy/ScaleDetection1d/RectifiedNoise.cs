using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>
/// The 1-D task's noise (the authors' perturb in diffeo_cluster_mean.py): η = ReLU(σ·g), g iid N(0, 1) per
/// entry, with σ² the squared diffeo perturbation averaged over all entries of all probes, one σ for the set
/// (not a norm matched image by image as <see cref="MatchedNoise"/> does). Rectifying makes the noise
/// positive, with mean σ/√(2π) per entry: that mean is what piles up through the pooling layers ([P2] §4).
/// </summary>
public static class RectifiedNoise
{
    /// <summary>σ² = mean over probes and entries of (τx − x)².</summary>
    public static double Variance(Tensor clean, Tensor deformed)
    {
        using var difference = (deformed - clean).to_type(ScalarType.Float64);
        using var mean = difference.square().mean();
        return mean.item<double>();
    }

    /// <summary>x + ReLU(σ·g) with g from a generator seeded by <paramref name="seed"/>.</summary>
    public static Tensor Apply(Tensor clean, double variance, long seed)
    {
        using var generator = new Generator((ulong)Data.Synthetic.SplitMix64.Derive(seed, 0x2E1F, 0));
        using var g = randn(clean.shape, ScalarType.Float64, generator: generator);
        using var eta = nn.functional.relu(g * Math.Sqrt(variance));
        using var noisy = clean.to_type(ScalarType.Float64) + eta;
        return noisy.to_type(clean.dtype);
    }
}
