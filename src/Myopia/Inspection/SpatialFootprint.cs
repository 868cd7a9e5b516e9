using Myopia.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// The window a layer slides over its input map, along one axis (height; every layer here is square):
/// kernel, stride, dilation and the padding before the first window.
/// </summary>
public sealed record SpatialFootprint(int Kernel, int Stride, int Dilation = 1, int Padding = 0)
{
    /// <summary>A pointwise layer (BN, ReLU, dropout...): each output position sees one input position.</summary>
    public static SpatialFootprint Pointwise { get; } = new(1, 1);

    /// <summary>The span of the window in input positions, dilation included.</summary>
    public int Span => Dilation * (Kernel - 1) + 1;

    /// <summary>
    /// The footprint of <paramref name="module"/> on an input map of <paramref name="inputSide"/> rows
    /// giving <paramref name="outputSide"/> rows. Layers it does not know are pointwise when they keep the
    /// side, and otherwise taken as a pool whose window is the ratio of the sides (a lower bound if the
    /// layer also blurs: such a layer should implement <see cref="IHasSpatialFootprint"/>).
    /// </summary>
    public static SpatialFootprint Of(nn.Module module, long inputSide, long outputSide) => module switch
    {
        IHasSpatialFootprint f => new(f.Kernel, f.Stride, 1, f.Padding),
        Conv2d c => new((int)c.kernel_size[0], (int)c.stride[0], (int)c.dilation[0], ConvPadding(c)),
        MaxPool2d m => new((int)m.kernel_size[0], (int)(m.stride?[0] ?? m.kernel_size[0]), (int)(m.dilation?[0] ?? 1), (int)(m.padding?[0] ?? 0)),
        AvgPool2d a => new((int)a.kernel_size[0], (int)(a.stride?[0] ?? a.kernel_size[0]), 1, (int)(a.padding?[0] ?? 0)),
        AdaptiveAvgPool2d or AdaptiveMaxPool2d => Adaptive(inputSide, outputSide),
        _ when inputSide == outputSide => Pointwise,
        _ => Resampling(inputSide, outputSide),
    };

    /// <summary>A change of side between layers that no module made (a functional pool in some forward): a pool of the ratio.</summary>
    public static SpatialFootprint Resampling(long inputSide, long outputSide) =>
        outputSide >= inputSide || outputSide < 1 ? Pointwise : new((int)(inputSide / outputSide), (int)(inputSide / outputSide));

    /// <summary>
    /// Adaptive pooling: output cell i averages input rows floor(i*in/out) to ceil((i+1)*in/out) - 1.
    /// Exact when the output side divides the input side; otherwise the widest window and the mean step.
    /// </summary>
    private static SpatialFootprint Adaptive(long inputSide, long outputSide)
    {
        if (outputSide < 1 || inputSide < 1) return Pointwise;
        var widest = 0L;
        for (var i = 0L; i < outputSide; i++)
            widest = Math.Max(widest, (i + 1) * inputSide / outputSide + ((i + 1) * inputSide % outputSide == 0 ? 0 : 1) - i * inputSide / outputSide);
        return new((int)widest, (int)Math.Max(1, inputSide / outputSide));
    }

    private static int ConvPadding(Conv2d c) =>
        c.padding is { Length: > 0 } p ? (int)p[0]
        : c.padding_type == TorchSharp.Padding.Same ? (int)(c.dilation[0] * (c.kernel_size[0] - 1) / 2)
        : 0;
}
