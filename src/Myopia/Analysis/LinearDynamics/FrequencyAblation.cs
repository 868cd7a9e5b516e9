using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

/// <summary>
/// Deletes chosen frequencies (each with its conjugate) from the inputs and reports a trained
/// network's mean correct-class output: a network that maps each structure only through its
/// dominant frequency loses everything when those are deleted and nothing when the others are.
/// </summary>
public static class FrequencyAblation
{
    public static double CorrectClassOutput(ILinearNetwork network, LinearDataset data, IEnumerable<int[]> frequencies)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = data.Images(data.X);
        var spectrum = fft.fftn(images, dim: data.SpatialDims);
        var mask = ones(data.Shape.Select(s => (long)s).ToArray(), dtype: ScalarType.Float64);
        foreach (var f in frequencies)
        {
            if (data.Shape.Length == 1)
            {
                int n = data.Shape[0];
                mask[Mod(f[0], n)] = tensor(0.0);
                mask[Mod(-f[0], n)] = tensor(0.0);
            }
            else
            {
                int h = data.Shape[0], w = data.Shape[1];
                mask[Mod(f[0], h), Mod(f[1], w)] = tensor(0.0);
                mask[Mod(-f[0], h), Mod(-f[1], w)] = tensor(0.0);
            }
        }
        var filtered = fft.ifftn(spectrum * mask, dim: data.SpatialDims).real.reshape(data.Samples, -1);
        var output = network.Forward(filtered);
        return (output * data.Y).sum(1).mean().item<double>();
    }

    private static int Mod(int a, int n) => ((a % n) + n) % n;

    public static IEnumerable<int[]> Dominant(PartHierarchy parts) => parts.Parts.Select(p => p.Dominant.Frequency);

    public static IEnumerable<int[]> Secondary(PartHierarchy parts) => parts.Parts.SelectMany(p => p.Secondary.Select(t => t.Frequency));
}
