using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>Moves bytes between managed buffers/streams and the storage of contiguous CPU tensors without extra copies.</summary>
public static class TensorBytes
{
    /// <summary>The storage of a contiguous CPU tensor as bytes (writable: it aliases the tensor).</summary>
    public static Span<byte> Span(Tensor tensor)
    {
        if (!tensor.is_contiguous() || tensor.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException("tensor must be contiguous and on the CPU");
        return tensor.bytes;
    }

    /// <summary>A new uint8 tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, params long[] shape)
    {
        var tensor = empty(shape, ScalarType.Byte);
        data.CopyTo(Span(tensor));
        return tensor;
    }

    public static Tensor Labels(int[] labels) => tensor(labels.Select(l => (long)l).ToArray(), ScalarType.Int64);

    /// <summary>Turns decoded pixels and labels into an <see cref="ImageDataset"/>.</summary>
    public static ImageDataset ToDataset(string name, DecodedImages images, IReadOnlyList<string> classNames, IReadOnlyList<string>? classWords = null) =>
        new(name,
            new Storage.TensorImageStore(FromBytes(images.Pixels, images.Count, images.Channels, images.Height, images.Width)),
            Labels(images.Labels),
            classNames, classWords: classWords);
}
