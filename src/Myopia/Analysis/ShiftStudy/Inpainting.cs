using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// Azulay and Weiss's background inpainting (<c>InpaintingFunction.py</c>), batched. Unknown pixels are
/// those exactly zero. The kernel is [0.5, 0.5] convolved with itself to 12 taps (C(11, k) / 2¹¹),
/// applied separably with 'same' zero padding (6 before, 5 after, the centring of scipy's 'same' for
/// an even kernel). Each pass, per channel: I ← M·I + (1 − M)·blur(I·M) / blur(M), with 0/0 := 0; then
/// M = 1 wherever I is not exactly zero. An image stops when at most <see cref="Options.MaxZeros"/>
/// zero pixels remain (counted per channel, the largest count deciding), or after
/// <see cref="Options.MaxPasses"/> passes. Images of a batch stop independently, so the result of an
/// image does not depend on its batch.
/// </summary>
public static class Inpainting
{
    public sealed record Options(int MaxZeros = 200, int MaxPasses = 80);

    public const int Taps = 12;

    /// <summary>The 12 binomial taps C(11, k) / 2¹¹.</summary>
    public static double[] Kernel()
    {
        double[] k = [1.0];
        for (int i = 1; i < Taps; i++)
        {
            var next = new double[k.Length + 1];
            for (int j = 0; j < k.Length; j++)
            {
                next[j] += 0.5 * k[j];
                next[j + 1] += 0.5 * k[j];
            }
            k = next;
        }
        return k;
    }

    /// <summary>Fills the zero pixels of float N x C x H x W <paramref name="images"/>; returns a new tensor.</summary>
    public static Tensor Fill(Tensor images, Options? options = null)
    {
        options ??= new Options();
        if (!images.is_floating_point()) throw new MyopiaException("inpainting needs float images");
        long n = images.shape[0], c = images.shape[1];
        using var scope = NewDisposeScope();
        var kernel = tensor(Kernel().Select(v => (float)v).ToArray(), dtype: images.dtype, device: images.device);
        var vertical = kernel.view(1, 1, Taps, 1).expand(c, 1, Taps, 1);
        var horizontal = kernel.view(1, 1, 1, Taps).expand(c, 1, 1, Taps);
        Tensor Blur(Tensor x)
        {
            var padded = nn.functional.pad(x, (Taps / 2, Taps / 2 - 1, Taps / 2, Taps / 2 - 1));
            var rows = nn.functional.conv2d(padded, vertical, groups: c);
            return nn.functional.conv2d(rows, horizontal, groups: c);
        }
        var image = images.to_type(images.dtype, copy: true);
        var mask = image.ne(0).to_type(images.dtype);
        for (int pass = 0; pass < options.MaxPasses; pass++)
        {
            var zeros = mask.eq(0).sum([2, 3]).amax([1]);   // N: the largest per-channel count of zero pixels
            var active = zeros.gt(options.MaxZeros);        // N
            if (!active.any().item<bool>()) break;
            var numerator = Blur(image * mask);
            var denominator = Blur(mask);
            var filled = where(denominator.gt(0), numerator / denominator.clamp_min(1e-30), zeros_like(numerator));
            var updated = mask * image + (1 - mask) * filled;
            image = where(active.view(n, 1, 1, 1), updated, image);
            mask = image.ne(0).to_type(images.dtype);
        }
        return image.MoveToOuterDisposeScope();
    }
}
