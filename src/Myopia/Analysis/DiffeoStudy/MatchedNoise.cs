using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// Gaussian noise whose norm equals, image by image, the norm of the image's own deformation (the
/// authors' code): σ_p = ‖τx_p − x_p‖ over all C·H·W entries, g ~ N(0, I), η_p = σ_p·g/‖g‖. Norms match
/// exactly, not on average. Each image draws g from its own generator seeded by (seed, image index).
/// </summary>
public static class MatchedNoise
{
    /// <summary>The noise η (same shape, dtype and device as <paramref name="reference"/>) for the pairs (reference, deformed).</summary>
    public static Tensor Draw(Tensor reference, Tensor deformed, long firstIndex, long seed)
    {
        using var scope = NewDisposeScope();
        long n = reference.shape[0];
        var sigma = (deformed - reference).flatten(1).to_type(ScalarType.Float64).norm(1);    // N
        var g = empty([n, reference[0].numel()], ScalarType.Float64);
        for (long p = 0; p < n; p++)
        {
            using var generator = new Generator((ulong)Data.Synthetic.SplitMix64.Derive(seed, 0x0015E, firstIndex + p));
            g[p].copy_(randn([reference[0].numel()], ScalarType.Float64, generator: generator));
        }
        var eta = g / g.norm(1, keepdim: true) * sigma.unsqueeze(1);
        return eta.view(reference.shape).to(reference.dtype, reference.device).DetachFromDisposeScope();
    }
}
