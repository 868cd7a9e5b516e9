using Myopia.Analysis.DiffeoStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>Spec §5c: the 3 × 3 grid Laplacian and the spectra of conv filters in its eigenbasis.</summary>
public class FilterSpectraTests
{
    [Fact]
    public void EigenvaluesAreExact()
    {
        Assert.Equal(new double[] { 0, 1, 1, 2, 3, 3, 4, 4, 6 }, GridLaplacian.Eigenvalues);
        Assert.Equal(new[] { (0.0, 1), (1.0, 2), (2.0, 1), (3.0, 2), (4.0, 2), (6.0, 1) }, GridLaplacian.Distinct);
    }

    [Fact]
    public void TheMatrixIsDegreeMinusAdjacency()
    {
        var l = GridLaplacian.Matrix();
        Assert.Equal(2, l[0, 0]);   // corner
        Assert.Equal(3, l[1, 1]);   // edge
        Assert.Equal(4, l[4, 4]);   // centre
        Assert.Equal(-1, l[0, 1]);
        Assert.Equal(-1, l[0, 3]);
        Assert.Equal(0, l[0, 4]);   // diagonal neighbours are not joined
        for (int i = 0; i < 9; i++) Assert.Equal(0, Enumerable.Range(0, 9).Sum(j => l[i, j]));
    }

    [Fact]
    public void EigenvectorsSatisfyLvEqualsLambdaVAndAreOrthonormal()
    {
        var l = GridLaplacian.Matrix();
        for (int k = 0; k < 9; k++)
        {
            var v = GridLaplacian.Eigenvectors[k];
            for (int i = 0; i < 9; i++)
                Assert.Equal(GridLaplacian.Eigenvalues[k] * v[i], Enumerable.Range(0, 9).Sum(j => l[i, j] * v[j]), 12);
            for (int m = 0; m < 9; m++)
                Assert.Equal(k == m ? 1.0 : 0.0, Enumerable.Range(0, 9).Sum(i => v[i] * GridLaplacian.Eigenvectors[m][i]), 12);
        }
    }

    [Fact]
    public void EighAgreesOnTheEigenvalues()
    {
        using var scope = NewDisposeScope();
        var l = GridLaplacian.Matrix();
        var m = tensor(Enumerable.Range(0, 81).Select(i => l[i / 9, i % 9]).ToArray(), ScalarType.Float64).reshape(9, 9);
        var (values, _) = linalg.eigh(m);
        var computed = values.data<double>().ToArray();
        for (int k = 0; k < 9; k++) Assert.Equal(GridLaplacian.Eigenvalues[k], computed[k], 10);
    }

    [Fact]
    public void AConstantFilterHasAllItsEnergyOnLambdaZero()
    {
        using var scope = NewDisposeScope();
        var s = FilterSpectra.Of("c", full(new long[] { 4, 2, 3, 3 }, 0.5, dtype: ScalarType.Float32));
        Assert.Equal(9 * 0.25, s.Energies[0], 6);
        for (int k = 1; k < 9; k++) Assert.Equal(0, s.Energies[k], 6);
        Assert.Equal(8, s.Slices);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void AFilterEqualToAnEigenvectorHasAllItsEnergyThere(int k)
    {
        using var scope = NewDisposeScope();
        var w = (3 * tensor(GridLaplacian.Eigenvectors[k], ScalarType.Float64)).reshape(1, 1, 3, 3);
        var s = FilterSpectra.Of("c", w);
        for (int m = 0; m < 9; m++) Assert.Equal(m == k ? 9.0 : 0.0, s.Energies[m], 10);
    }

    [Fact]
    public void EnergiesSumToTheMeanSquaredNormAndTheGroupsToo()
    {
        using var scope = NewDisposeScope();
        var w = randn(new long[] { 16, 8, 3, 3 }, ScalarType.Float64, generator: new TorchSharp.torch.Generator(3));
        var s = FilterSpectra.Of("c", w);
        double meanSquare = w.square().sum().item<double>() / (16 * 8);
        Assert.Equal(meanSquare, s.Total, 10);
        Assert.Equal(meanSquare, s.EnergyPerEigenvalue.Sum(), 10);
        Assert.Equal(6, s.EnergyPerEigenvalue.Length);
        var n = s.ToNormalised();
        Assert.True(n.Normalised);
        Assert.Equal(1.0, n.Energies.Sum(), 12);
        Assert.Equal(s.Energies[1] / meanSquare, n.Energies[1], 12);
    }

    [Fact]
    public void GroupEnergiesDoNotDependOnTheBasisOfADegeneratePair()
    {
        // A rotation inside the λ = 1 eigenspace moves energy between its two vectors, not out of the pair.
        using var scope = NewDisposeScope();
        var a = GridLaplacian.Eigenvectors[1];
        var b = GridLaplacian.Eigenvectors[2];
        double c = Math.Cos(0.7), sn = Math.Sin(0.7);
        var rotated = a.Zip(b, (x, y) => c * x + sn * y).ToArray();
        var s = FilterSpectra.Of("c", tensor(rotated, ScalarType.Float64).reshape(1, 1, 3, 3));
        Assert.Equal(c * c, s.Energies[1], 12);
        Assert.Equal(sn * sn, s.Energies[2], 12);
        Assert.Equal(1.0, s.EnergyPerEigenvalue[1], 12);
    }

    [Fact]
    public void MeasureFindsEvery3x3ConvInRegistrationOrderAndSkipsOthers()
    {
        using var scope = NewDisposeScope();
        var net = nn.Sequential(
            ("first", nn.Conv2d(3, 4, 3, padding: 1)),
            ("act", nn.ReLU()),
            ("wide", nn.Conv2d(4, 4, 5, padding: 2)),
            ("block", nn.Sequential(("inner", nn.Conv2d(4, 2, 3)))),
            ("head", nn.Linear(2, 10)));
        using (no_grad()) ((TorchSharp.Modules.Conv2d)net[0]).weight!.fill_(1.0);
        var spectra = FilterSpectra.Measure(net);
        Assert.Equal(new[] { "first", "block.inner" }, spectra.Select(s => s.Path));
        Assert.Equal(12, spectra[0].Slices);
        Assert.Equal(9.0, spectra[0].Energies[0], 5);
        Assert.Equal(8, spectra[1].Slices);
        var normalised = FilterSpectra.Measure(net, normalise: true);
        Assert.All(normalised, s => Assert.Equal(1.0, s.Energies.Sum(), 10));
    }
}
