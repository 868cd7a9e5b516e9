using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// What an <see cref="ActivationRecorder"/> keeps of each layer's output: a detached copy, or a
/// reduction computed inside the hook so that only the small result outlives the forward pass.
/// </summary>
/// <param name="Reduction">Maps the layer's (detached) output to what is kept; null keeps a copy of the output.</param>
/// <param name="ToCpu">Moves what is kept to the CPU, so a long recording on a GPU does not fill its memory.</param>
/// <param name="Description">Says what is kept, for logs and reports.</param>
public sealed record Recording(Func<Tensor, Tensor>? Reduction, bool ToCpu, string Description)
{
    /// <summary>A detached copy of every output, on the output's device.</summary>
    public static Recording Copy { get; } = new(null, false, "copy");

    /// <summary>A detached copy of every output, on the CPU.</summary>
    public static Recording CopyToCpu { get; } = new(null, true, "copy on cpu");

    /// <summary>N x C: the mean of each channel over the spatial positions (an N x C output is kept as it is).</summary>
    public static Recording ChannelMean { get; } = Reduce(t => t.dim() > 2 ? t.mean(SpatialDims(t)) : t, "per-channel mean");

    /// <summary>N: the L2 norm of each image's whole activation.</summary>
    public static Recording ImageNorm { get; } = Reduce(t => t.flatten(1).norm(1), "per-image L2 norm");

    /// <summary>Keeps <paramref name="reduction"/>(output) only. It may return its argument or a view: what is kept is always a copy.</summary>
    public static Recording Reduce(Func<Tensor, Tensor> reduction, string description = "reduction", bool toCpu = false) =>
        new(reduction, toCpu, description);

    /// <summary>
    /// What to keep of <paramref name="output"/>, computed now: a Sequential disposes the output as soon
    /// as the next layer has it, and an in-place ReLU overwrites it, so a reference would not do. The
    /// result belongs to no dispose scope: the recorder, then whoever takes it, disposes it.
    /// </summary>
    internal Tensor Keep(Tensor output)
    {
        using var detached = output.detach();
        var reduced = Reduction is null ? detached : Reduction(detached);
        try
        {
            var kept = ToCpu && reduced.device_type != DeviceType.CPU ? reduced.cpu() : reduced.clone();
            return kept.DetachFromDisposeScope();
        }
        finally
        {
            if (!ReferenceEquals(reduced, detached)) reduced.Dispose();
        }
    }

    private static long[] SpatialDims(Tensor t) => Enumerable.Range(2, (int)t.dim() - 2).Select(d => (long)d).ToArray();

    public override string ToString() => Description + (ToCpu ? " (cpu)" : "");
}
