namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// The grid-Laplacian spectrum of one conv layer's 3 × 3 filters (spec §5c): the mean over all slices
/// W[o, i, :, :] of the squared projection on each eigenvector of <see cref="GridLaplacian"/>.
/// </summary>
/// <param name="Path">The module path, e.g. "features.0".</param>
/// <param name="Eigenvalues">The 9 eigenvalues, ascending (0, 1, 1, 2, 3, 3, 4, 4, 6).</param>
/// <param name="Energies">Mean squared projection per eigenvector, same order; within a degenerate pair the split
/// depends on the basis (see <see cref="GridLaplacian"/>), the pair's sum does not.</param>
/// <param name="Slices">How many 3 × 3 slices were averaged (out × in / groups channels).</param>
/// <param name="Normalised">True when <see cref="Energies"/> sum to 1.</param>
public sealed record LayerSpectrum(string Path, double[] Eigenvalues, double[] Energies, long Slices, bool Normalised)
{
    /// <summary>The distinct eigenvalues 0, 1, 2, 3, 4, 6.</summary>
    public double[] DistinctEigenvalues => GridLaplacian.Distinct.Select(d => d.Eigenvalue).ToArray();

    /// <summary>Energy per distinct eigenvalue (degenerate eigenvectors summed): independent of the eigenbasis.</summary>
    public double[] EnergyPerEigenvalue => GridLaplacian.Distinct
        .Select(d => Eigenvalues.Select((v, j) => (v, j)).Where(p => p.v == d.Eigenvalue).Sum(p => Energies[p.j])).ToArray();

    /// <summary>The mean squared filter norm: by Parseval, the sum of the energies (before normalisation).</summary>
    public double Total => Energies.Sum();

    /// <summary>The same spectrum scaled to sum 1, so layers of different weight scale can be compared.</summary>
    public LayerSpectrum ToNormalised()
    {
        double total = Total;
        return total > 0 ? this with { Energies = Energies.Select(e => e / total).ToArray(), Normalised = true } : this with { Normalised = true };
    }
}
