using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models.Antialiasing;

/// <summary>
/// BlurPool of Zhang (2019), "Making convolutional networks shift-invariant again": a fixed low-pass
/// filter a·aᵀ/Σ (a = row m of Pascal's triangle) applied to each channel on its own, then
/// subsampling by 2. The output side is ⌈H/2⌉.
/// </summary>
/// <remarks>
/// The filter is a non-persistent buffer, not a parameter: it is never trained, never initialised by
/// <see cref="TorchvisionInit"/>, and absent from the state dict, so an antialiased network has exactly
/// the plain network's keys and parameter count.
///
/// Padding is reflect, ⌊(m−1)/2⌋ left/top and ⌈(m−1)/2⌉ right/bottom, as in the reference code.
/// Reflect padding needs a side larger than the pad; on smaller maps (the 1x1 and 2x2 maps a
/// tile-trained network sees deep inside on 8x8 tiles) the border is replicated instead, which on a
/// 1-pixel side is the only sensible extension and keeps the filter's weights summing to 1.
/// </remarks>
public sealed class BlurPool : nn.Module<Tensor, Tensor>
{
    private const int Stride = 2;

    private readonly Tensor filt;
    private readonly long padLeft;
    private readonly long padRight;

    public BlurPool(long channels, int filterSize) : base("BlurPool")
    {
        Channels = channels;
        FilterSize = filterSize;
        padLeft = (filterSize - 1) / 2;
        padRight = filterSize - 1 - padLeft;
        using var taps = Filter(filterSize);
        filt = taps.expand(channels, 1, filterSize, filterSize).contiguous();
        register_buffer(nameof(filt), filt, persistent: false);
    }

    public long Channels { get; }

    public int FilterSize { get; }

    /// <summary>Row <paramref name="m"/> of Pascal's triangle (1 for m = 1, 1 2 1 for m = 3, ...).</summary>
    public static double[] PascalRow(int m)
    {
        if (m is < 1 or > ModelOptions.MaxFilterSize)
            throw new MyopiaException($"BlurPool filter size must be 1..{ModelOptions.MaxFilterSize}, got {m}");
        var row = new double[m];
        row[0] = 1;
        for (var k = 1; k < m; k++) row[k] = row[k - 1] * (m - k) / k;
        return row;
    }

    /// <summary>The m x m filter a·aᵀ/Σ as a 1 x 1 x m x m float tensor.</summary>
    public static Tensor Filter(int m)
    {
        var a = PascalRow(m);
        var sum = a.Sum() * a.Sum();
        var values = new float[m * m];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
                values[i * m + j] = (float)(a[i] * a[j] / sum);
        return tensor(values, [1, 1, m, m]);
    }

    public override Tensor forward(Tensor x)
    {
        if (FilterSize == 1) return functional.conv2d(x, filt, strides: [Stride, Stride], groups: Channels);
        var side = Math.Min(x.shape[2], x.shape[3]);
        var mode = side > padRight ? PaddingModes.Reflect : PaddingModes.Replicate;
        using var padded = functional.pad(x, (padLeft, padRight, padLeft, padRight), mode);
        return functional.conv2d(padded, filt, strides: [Stride, Stride], groups: Channels);
    }
}
