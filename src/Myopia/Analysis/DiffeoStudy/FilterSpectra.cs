using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// [P2]'s filter spectra (spec §5c): for every Conv2d with a 3 × 3 kernel in a module, each slice
/// W[o, i, :, :] is projected on the 9 eigenvectors of the 3 × 3 grid Laplacian; the squared projections are
/// averaged over slices. Trained early layers are expected to put their energy on λ = 0, the constant
/// filter: spatial pooling.
/// </summary>
public static class FilterSpectra
{
    /// <summary>
    /// One spectrum per 3 × 3 conv, in registration order (named_modules: the module tree, depth first, which
    /// is forward order for the project's sequential networks), addressed by module path. Other convs are skipped.
    /// </summary>
    public static IReadOnlyList<LayerSpectrum> Measure(nn.Module module, bool normalise = false)
    {
        var spectra = new List<LayerSpectrum>();
        using var _ = no_grad();
        foreach (var (path, child) in module.named_modules())
        {
            if (child is not Conv2d conv || conv.weight is null) continue;
            var w = conv.weight;
            if (w.dim() != 4 || w.shape[2] != GridLaplacian.Side || w.shape[3] != GridLaplacian.Side) continue;
            var spectrum = Of(path, w);
            spectra.Add(normalise ? spectrum.ToNormalised() : spectrum);
        }
        return spectra;
    }

    /// <summary>The spectrum of a weight [out, in, 3, 3] (any float type, any device).</summary>
    public static LayerSpectrum Of(string path, Tensor weight)
    {
        if (weight.dim() != 4 || weight.shape[2] != GridLaplacian.Side || weight.shape[3] != GridLaplacian.Side)
            throw new ArgumentException($"{path}: a conv weight [out, in, 3, 3] is needed, got [{string.Join(", ", weight.shape)}]");
        using var scope = NewDisposeScope();
        var slices = weight.detach().to_type(ScalarType.Float64).cpu().reshape(-1, GridLaplacian.Size);   // [slices, 9]
        var basis = tensor(GridLaplacian.Eigenvectors.SelectMany(v => v).ToArray(), ScalarType.Float64)
            .reshape(GridLaplacian.Size, GridLaplacian.Size);                                             // [eigenvector, pixel]
        var energies = slices.matmul(basis.t()).square().mean(new long[] { 0 });
        return new LayerSpectrum(path, GridLaplacian.Eigenvalues.ToArray(), energies.data<double>().ToArray(), slices.shape[0], false);
    }
}
