using static TorchSharp.torch;

namespace Myopia.Compute;

/// <summary>
/// How a network's forward pass computes: its arithmetic and its activation layout. Both change speed,
/// never the model; BF16 changes the numbers within BF16's precision, the layout only in rounding.
/// </summary>
public sealed record ComputeSettings(NumericPrecision Precision, MemoryFormat Format)
{
    public static readonly ComputeSettings Fp32Contiguous = new(NumericPrecision.Fp32, MemoryFormat.Contiguous);

    /// <summary>
    /// The network's output for <paramref name="input"/> under these settings, always FP32 and in the
    /// standard layout, so callers compare, average and store logits without caring how they were computed.
    /// </summary>
    public Tensor Forward(Func<Tensor, Tensor> network, Tensor input, Device device)
    {
        using var scope = NewDisposeScope();
        var x = MemoryFormats.Apply(input, Format);
        Tensor y;
        using (Autocast.Enter(Precision, device))
            y = network(x);
        if (y.dtype != ScalarType.Float32) y = y.to_type(ScalarType.Float32);
        if (!y.is_contiguous()) y = y.contiguous();
        return y.MoveToOuterDisposeScope();
    }

    public override string ToString() => $"{PrecisionChoice.Name(Precision)}, {MemoryFormats.Name(Format)}";
}
