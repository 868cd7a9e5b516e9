using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Augmentation;

public enum PadMode { Zero, Reflect }

/// <summary>Pads a batch by p pixels on every side, before a random crop back to the image size.</summary>
public static class Padding
{
    public static Tensor Apply(Tensor images, int pad, PadMode mode)
    {
        if (pad < 0) throw new MyopiaException($"padding must be >= 0, got {pad}");
        if (mode == PadMode.Reflect && (pad >= images.shape[2] || pad >= images.shape[3]))
            throw new MyopiaException($"reflect padding {pad} needs images larger than {pad} pixels");
        var padding = new long[] { pad, pad, pad, pad };
        return mode == PadMode.Zero
            ? nn.functional.pad(images, padding, TorchSharp.PaddingModes.Zeros)
            : nn.functional.pad(images, padding, TorchSharp.PaddingModes.Reflect);
    }
}
