using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Augmentation;

/// <summary>Turns uint8 pixels into normalized floats: (x / 255 - mean) / std, per channel.</summary>
public sealed class Normalizer : IDisposable
{
    private readonly Tensor mean;
    private readonly Tensor std;

    public Normalizer(Normalization normalization, Device? device = null)
    {
        Normalization = normalization;
        mean = tensor(normalization.Mean, device: device).view(1, -1, 1, 1);
        std = tensor(normalization.Std, device: device).view(1, -1, 1, 1);
    }

    public Normalization Normalization { get; }

    /// <summary>uint8 (or float in [0, 255]) N x C x H x W to normalized float32.</summary>
    public Tensor FromBytes(Tensor pixels)
    {
        // A copy even for float input: the in-place division must never touch the caller's tensor.
        using var scaled = pixels.to_type(ScalarType.Float32, copy: true).div_(255f);
        return Normalize(scaled);
    }

    /// <summary>Float N x C x H x W in [0, 1] to normalized float32.</summary>
    public Tensor Normalize(Tensor unit)
    {
        if (unit.shape[1] != mean.shape[1])
            throw new MyopiaException($"images have {unit.shape[1]} channels but the normalization has {mean.shape[1]}");
        var centered = unit - mean;
        return centered.div_(std); // in place on a fresh tensor, which the caller owns
    }

    public void Dispose()
    {
        mean.Dispose();
        std.Dispose();
    }
}
