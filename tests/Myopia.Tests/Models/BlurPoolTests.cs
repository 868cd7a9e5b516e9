using Myopia.Models;
using Myopia.Models.Antialiasing;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>BlurPool of Zhang (2019): reproduction targets 1 and 3 of the shift-invariance spec.</summary>
public class BlurPoolTests
{
    [Fact]
    public void TriangleFilterIsOneTwoOneOuterProductOverSixteen()
    {
        using var filter = BlurPool.Filter(3);
        var expected = new float[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }.Select(v => v / 16f).ToArray();
        Assert.Equal(new long[] { 1, 1, 3, 3 }, filter.shape);
        Assert.Equal(expected, filter.data<float>().ToArray());
    }

    [Fact]
    public void PascalRowsAreTheSpecsRows()
    {
        Assert.Equal([1.0], BlurPool.PascalRow(1));
        Assert.Equal([1.0, 1], BlurPool.PascalRow(2));
        Assert.Equal([1.0, 4, 6, 4, 1], BlurPool.PascalRow(5));
        Assert.Equal([1.0, 6, 15, 20, 15, 6, 1], BlurPool.PascalRow(7));
        Assert.Throws<MyopiaException>(() => BlurPool.PascalRow(0));
        Assert.Throws<MyopiaException>(() => BlurPool.PascalRow(8));
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)]
    public void FilterSumsToOneAndHalvesTheSide(int m)
    {
        using var filter = BlurPool.Filter(m);
        Assert.InRange(filter.to_type(ScalarType.Float64).sum().item<double>(), 1 - 1e-7, 1 + 1e-7);
        using var pool = new BlurPool(4, m);
        using var _ = no_grad();
        using var x = randn(1, 4, 128, 128);
        using var y = pool.call(x);
        Assert.Equal(new long[] { 1, 4, 64, 64 }, y.shape);
        using var odd = randn(1, 4, 13, 7);
        using var yOdd = pool.call(odd);
        Assert.Equal(new long[] { 1, 4, 7, 4 }, yOdd.shape);
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)]
    public void MatchesANaiveReflectPaddedLoop(int m)
    {
        const int channels = 3, height = 11, width = 16;
        using var pool = new BlurPool(channels, m);
        using var _ = no_grad();
        using var x = randn(2, channels, height, width);
        using var y = pool.call(x);
        var expected = NaiveBlurPool(x.data<float>().ToArray(), 2, channels, height, width, m);
        var actual = y.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"m={m} element {i}: {actual[i]} vs {expected[i]}");
    }

    /// <summary>Straight from the definition: output (i, j) = Σ f[u, v] · x[reflect(2i + u − ⌊(m−1)/2⌋), reflect(2j + v − ⌊(m−1)/2⌋)].</summary>
    private static float[] NaiveBlurPool(float[] x, int n, int c, int h, int w, int m)
    {
        var a = BlurPool.PascalRow(m);
        var total = a.Sum() * a.Sum();
        int left = (m - 1) / 2, outH = (h + 1) / 2, outW = (w + 1) / 2;
        static int Reflect(int k, int size) => k < 0 ? -k : k >= size ? 2 * (size - 1) - k : k;
        var y = new float[n * c * outH * outW];
        for (var b = 0; b < n * c; b++)
            for (var i = 0; i < outH; i++)
                for (var j = 0; j < outW; j++)
                {
                    double sum = 0;
                    for (var u = 0; u < m; u++)
                        for (var v = 0; v < m; v++)
                            sum += a[u] * a[v] / total * x[b * h * w + Reflect(2 * i + u - left, h) * w + Reflect(2 * j + v - left, w)];
                    y[(b * outH + i) * outW + j] = (float)sum;
                }
        return y;
    }

    [Theory]
    [InlineData(1, 1)] [InlineData(2, 3)] [InlineData(3, 7)] [InlineData(1, 7)] [InlineData(4, 5)]
    public void TinyMapsFallBackToReplicatePaddingAndKeepConstants(int side, int m)
    {
        using var pool = new BlurPool(2, m);
        using var _ = no_grad();
        using var x = full(1, 2, side, side, 0.75f);
        using var y = pool.call(x);
        Assert.Equal(new long[] { 1, 2, (side + 1) / 2, (side + 1) / 2 }, y.shape);
        Assert.True(y.sub(0.75f).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void TheFilterIsNeitherAParameterNorStateDictEntry()
    {
        using var pool = new BlurPool(8, 5);
        Assert.Empty(pool.parameters());
        Assert.Empty(pool.state_dict());
        using var maxBlur = new MaxBlurPool(8, 5);
        Assert.Empty(maxBlur.state_dict());
    }

    [Theory]
    [InlineData(8, false, 4)] [InlineData(7, false, 3)] [InlineData(7, true, 4)] [InlineData(1, true, 1)] [InlineData(2, false, 1)]
    public void MaxBlurPoolSidesFollowFloorOrCeilModePools(int side, bool ceilMode, int expected)
    {
        using var pool = new MaxBlurPool(3, 5, ceilMode: ceilMode);
        using var _ = no_grad();
        using var x = randn(1, 3, side, side);
        using var y = pool.call(x);
        Assert.Equal(new long[] { 1, 3, expected, expected }, y.shape);
    }

    /// <summary>
    /// Target 3, the 1-D circular toy: x = [0,0,1,1,0,0,1,1] against x shifted by one; the L1 distance
    /// between the pooled outputs is 2 for MaxPool(2,2), 1 for MaxBlurPool Tri-3 and 0.5 for Bin-5
    /// (taps at offsets k − ⌊(m−1)/2⌋, circular padding). Built from the 2-D ops with height 1.
    /// </summary>
    [Theory]
    [InlineData(0, 2.0)]
    [InlineData(3, 1.0)]
    [InlineData(5, 0.5)]
    public void OneDimensionalCircularToy(int m, double expected)
    {
        using var _ = no_grad();
        using var x = tensor(new float[] { 0, 0, 1, 1, 0, 0, 1, 1 }).reshape(1, 1, 1, 8);
        using var shifted = x.roll(1, 3);
        using var a = CircularPool(x, m);
        using var b = CircularPool(shifted, m);
        Assert.Equal(expected, (a - b).abs().sum().item<float>(), 6);
    }

    private static Tensor CircularPool(Tensor x, int m)
    {
        if (m == 0) return nn.functional.max_pool2d(x, [1, 2], [1, 2]);
        using var wrapped = nn.functional.pad(x, (0, 1, 0, 0), PaddingModes.Circular);
        using var dense = nn.functional.max_pool2d(wrapped, [1, 2], [1, 1]);
        var row = BlurPool.PascalRow(m);
        using var taps = tensor(row.Select(v => (float)(v / row.Sum())).ToArray()).reshape(1, 1, 1, m);
        int left = (m - 1) / 2, right = m - 1 - left;
        using var padded = nn.functional.pad(dense, (left, right, 0, 0), PaddingModes.Circular);
        return nn.functional.conv2d(padded, taps, strides: [1, 2]);
    }
}
