using static TorchSharp.torch;

namespace Myopia.Compute;

/// <summary>
/// What a command or a training run asked for: a precision (resolved, with the reason when automatic)
/// and a layout (null: measured per workload by <see cref="MemoryFormatProbe"/>).
/// </summary>
public sealed record ComputeChoice(NumericPrecision Precision, MemoryFormat? Format, string PrecisionReason = "requested")
{
    /// <summary>FP32 in the standard layout: what a network computes when nothing else is asked for.</summary>
    public static readonly ComputeChoice Standard = new(NumericPrecision.Fp32, MemoryFormat.Contiguous);

    /// <summary>From <c>--precision</c> and <c>--memory-format</c> (null: auto for both).</summary>
    public static ComputeChoice Resolve(string? precision, string? memoryFormat, Device device)
    {
        var (resolved, reason) = PrecisionChoice.Resolve(precision, device);
        return new ComputeChoice(resolved, MemoryFormats.Parse(memoryFormat), reason);
    }

    public string PrecisionName => PrecisionChoice.Name(Precision);

    public string FormatName => Format is { } f ? MemoryFormats.Name(f) : "auto";
}
