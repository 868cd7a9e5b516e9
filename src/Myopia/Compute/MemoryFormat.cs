using static TorchSharp.torch;

namespace Myopia.Compute;

/// <summary>
/// How a batch of images lies in memory. Channels-last (NHWC strides on an NCHW tensor) lets oneDNN run
/// convolutions without reordering activations; every convolution, batch norm, pooling and addition then
/// keeps that layout, so converting the input batch converts the whole network's activations, as
/// PyTorch's <c>x.contiguous(memory_format=torch.channels_last)</c> does. Which is faster depends on the
/// network, the image size and the batch; <see cref="MemoryFormatProbe"/> measures it.
/// </summary>
public enum MemoryFormat
{
    Contiguous,
    ChannelsLast,
}

public static class MemoryFormats
{
    public const string Help = "activation layout: channels-last, contiguous or auto (whichever a short timing says is faster for this network and size)";

    public static readonly string[] Names = ["auto", "contiguous", "channels-last"];

    public static string Name(MemoryFormat format) => format == MemoryFormat.ChannelsLast ? "channels-last" : "contiguous";

    public static void Validate(string? choice)
    {
        var text = (choice ?? "auto").Trim().ToLowerInvariant();
        if (!Names.Contains(text)) throw new MyopiaException($"--memory-format {choice}: expected {string.Join(", ", Names)}");
    }

    /// <summary>The fixed format a choice names, or null for auto (to be measured).</summary>
    public static MemoryFormat? Parse(string? choice)
    {
        Validate(choice);
        return (choice ?? "auto").Trim().ToLowerInvariant() switch
        {
            "contiguous" => MemoryFormat.Contiguous,
            "channels-last" => MemoryFormat.ChannelsLast,
            _ => null,
        };
    }

    /// <summary>
    /// The batch in <paramref name="format"/>: a new tensor for a 4-D batch that needs reordering, otherwise
    /// an alias (the caller disposes either).
    /// </summary>
    public static Tensor Apply(Tensor batch, MemoryFormat format)
    {
        if (format != MemoryFormat.ChannelsLast || batch.dim() != 4) return batch.alias();
        // N x C x H x W with strides (HWC, 1, WC, C): libtorch's channels-last contiguity.
        using var nhwc = batch.permute(0, 2, 3, 1).contiguous();
        return nhwc.permute(0, 3, 1, 2);
    }
}
