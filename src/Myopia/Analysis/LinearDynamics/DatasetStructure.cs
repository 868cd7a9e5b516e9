using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

/// <summary>One mode of the dataset structure and how the convolution sees it.</summary>
public sealed record StructureMode(int Index, double S, double Kappa, double Mismatch, int[] DominantFrequency, double DominantMagnitude);

/// <summary>
/// The dataset structure: SVD of the input-output correlation Sigma_yx = (1/P) Y^T X = sum_a s_a u_a phi_a^T,
/// the unitary Fourier spectra of the phi_a, kappa_a = sqrt(N) max_j |phi_hat_a,j| (the CNN's speed-up of
/// mode a over the FCNN), and the structural mismatch mu_a = 1 - max_j |phi_hat_a,j|^2 (0 only when phi_a
/// is a single complex Fourier mode).
/// </summary>
public sealed class DatasetStructure : IDisposable
{
    public DatasetStructure(LinearDataset data)
    {
        using var scope = NewDisposeScope();
        var sigma = Y(data).t().matmul(data.X) / data.Samples; // p x N
        var (u, s, vh) = linalg.svd(sigma, fullMatrices: false);
        int rank = (int)s.gt(1e-9 * s[0].item<double>()).sum().item<long>();
        U = u.narrow(1, 0, rank).MoveToOuterDisposeScope();
        Phi = vh.narrow(0, rank > 0 ? 0 : 0, rank).MoveToOuterDisposeScope(); // r x N, rows phi_a
        SigmaYX = sigma.MoveToOuterDisposeScope();
        var spectra = fft.fftn(data.Images(Phi), dim: data.SpatialDims, norm: FFTNormType.Ortho).abs();
        Spectra = spectra.MoveToOuterDisposeScope();
        var flat = Spectra.reshape(rank, -1);
        var (max, argmax) = flat.max(1);
        var values = s.narrow(0, 0, rank).data<double>().ToArray();
        var maxima = max.data<double>().ToArray();
        var where = argmax.data<long>().ToArray();
        double sqrtN = Math.Sqrt(data.Inputs);
        Modes = Enumerable.Range(0, rank).Select(a => new StructureMode(a, values[a], sqrtN * maxima[a], 1 - maxima[a] * maxima[a],
            Unravel(where[a], data.Shape), maxima[a])).ToList();
    }

    private static Tensor Y(LinearDataset data) => data.Y;

    /// <summary>p x r left singular vectors.</summary>
    public Tensor U { get; }
    /// <summary>r x N right singular vectors (the principal components phi_a of the dataset structure).</summary>
    public Tensor Phi { get; }
    public Tensor SigmaYX { get; }
    /// <summary>r x shape: |Q phi_a|, the unitary Fourier magnitude of each phi_a.</summary>
    public Tensor Spectra { get; }
    public IReadOnlyList<StructureMode> Modes { get; }

    /// <summary>Mode strengths a_a = u_a^T Sigma_yhatx phi_a of a network's outputs.</summary>
    public double[] ModeStrengths(Tensor outputs, Tensor x)
    {
        using var scope = NewDisposeScope();
        var sigma = outputs.t().matmul(x) / x.shape[0];
        return U.t().matmul(sigma).matmul(Phi.t()).diagonal().data<double>().ToArray();
    }

    private static int[] Unravel(long index, int[] shape) =>
        shape.Length == 1 ? [(int)index] : [(int)(index / shape[1]), (int)(index % shape[1])];

    public void Dispose()
    {
        U.Dispose();
        Phi.Dispose();
        SigmaYX.Dispose();
        Spectra.Dispose();
    }
}
