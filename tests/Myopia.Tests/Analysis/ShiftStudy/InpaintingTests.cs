using Myopia.Analysis.ShiftStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>Azulay's inpainting: the kernel, the update rule against a naive loop, and the stopping rules.</summary>
public class InpaintingTests
{
    [Fact]
    public void KernelIsTheTwelveTapBinomial()
    {
        var k = Inpainting.Kernel();
        Assert.Equal(12, k.Length);
        long[] binomial = [1, 11, 55, 165, 330, 462, 462, 330, 165, 55, 11, 1];
        for (int i = 0; i < 12; i++) Assert.Equal(binomial[i] / 2048.0, k[i], 12);
    }

    [Fact]
    public void AConstantImageFillsItsBackgroundWithTheConstant()
    {
        using var canvas = zeros(1, 3, 20, 20);
        canvas.narrow(2, 6, 8).narrow(3, 5, 9).fill_(77);
        using var filled = Inpainting.Fill(canvas, new Inpainting.Options(MaxZeros: 0));
        Assert.True((filled - 77).abs().max().item<float>() < 1e-3f);
    }

    [Fact]
    public void PassesMatchANaiveLoopAndStopAtTheZeroCount()
    {
        manual_seed(11);
        int h = 14, w = 14;
        using var canvas = zeros(2, 2, h, w);
        canvas.narrow(2, 5, 5).narrow(3, 4, 6).copy_(rand(2, 2, 5, 6) * 200 + 1);
        // Image 1 gets a larger object: fewer zeros, so it stops earlier with MaxZeros = 120.
        canvas[1].narrow(1, 2, 10).narrow(2, 2, 10).copy_(rand(2, 10, 10) * 200 + 1);
        var options = new Inpainting.Options(MaxZeros: 120, MaxPasses: 80);
        using var filled = Inpainting.Fill(canvas, options);
        for (int n = 0; n < 2; n++)
        {
            var expected = Naive(canvas[n].data<float>().ToArray(), 2, h, w, options);
            var actual = filled[n].data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-3 * (1 + Math.Abs(expected[i])), $"pixel {i}: {expected[i]} vs {actual[i]}");
        }
        // The loop runs more than one pass on image 0 but stops image 1 after its first.
        Assert.True(filled[0].eq(0).sum().item<long>() <= 2 * 120);
    }

    /// <summary>The algorithm as written in the spec, with scipy's 'same' centring, on one image (C x H x W).</summary>
    private static float[] Naive(float[] image, int c, int h, int w, Inpainting.Options options)
    {
        var k = Inpainting.Kernel();
        var I = image.Select(v => (double)v).ToArray();
        var M = I.Select(v => v != 0 ? 1.0 : 0.0).ToArray();
        double[] Blur(double[] x)
        {
            var rows = new double[x.Length];
            var both = new double[x.Length];
            for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
            for (int xx = 0; xx < w; xx++)
            {
                double s = 0;
                for (int j = 0; j < 12; j++) { int yy = y + j - 6; if (yy >= 0 && yy < h) s += k[j] * x[(ch * h + yy) * w + xx]; }
                rows[(ch * h + y) * w + xx] = s;
            }
            for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
            for (int xx = 0; xx < w; xx++)
            {
                double s = 0;
                for (int j = 0; j < 12; j++) { int x2 = xx + j - 6; if (x2 >= 0 && x2 < w) s += k[j] * rows[(ch * h + y) * w + x2]; }
                both[(ch * h + y) * w + xx] = s;
            }
            return both;
        }
        for (int pass = 0; pass < options.MaxPasses; pass++)
        {
            int zeros = Enumerable.Range(0, c).Max(ch => Enumerable.Range(0, h * w).Count(i => M[ch * h * w + i] == 0));
            if (zeros <= options.MaxZeros) break;
            var num = Blur(I.Zip(M, (a, b) => a * b).ToArray());
            var den = Blur(M);
            for (int i = 0; i < I.Length; i++)
                I[i] = M[i] * I[i] + (1 - M[i]) * (den[i] > 0 ? num[i] / den[i] : 0);
            M = I.Select(v => v != 0 ? 1.0 : 0.0).ToArray();
        }
        return I.Select(v => (float)v).ToArray();
    }
}
