using Myopia.Data.Formats;
using Myopia.Data.Sources;
using Myopia.Data.Synthetic;
using Myopia.Data.Transforms;
using static TorchSharp.torch;

namespace Myopia.Data.Storage;

/// <summary>
/// A split read from its image files batch by batch: each read decodes its images in parallel on
/// every core and puts them through the split's <see cref="ImagePipeline"/>, and a prefetched batch
/// decodes in the background while the network works on the current one. Memory holds the file list,
/// the batch being used and the batch being prepared, whatever the number of images.
/// </summary>
public sealed class FileImageStore : IImageStore
{
    private readonly FileSet files;
    private readonly string[] paths;
    private readonly ImagePipeline pipeline;
    private readonly bool train;
    private readonly object gate = new();
    // Batches decoding in the background, oldest first; at most two, so a prefetch never runs far ahead.
    private readonly List<(long[] Indices, long Draw, Task<byte[]> Pixels)> pending = [];

    public FileImageStore(FileSet files, IReadOnlyList<string> paths, ImagePipeline pipeline, bool train, int height, int width)
    {
        this.files = files;
        this.paths = [.. paths];
        this.pipeline = pipeline;
        this.train = train;
        Height = height;
        Width = width;
    }

    public int Count => paths.Length;
    public int Channels => ImageDecoder.Channels;
    public int Height { get; }
    public int Width { get; }
    public bool IsStreamed => true;
    public long ResidentBytes => 0;

    /// <summary>The file behind image <paramref name="i"/>, as the dataset names it.</summary>
    public string PathOf(long i) => paths[i];

    public Tensor Read(long[] indices, long draw = 0)
    {
        Task<byte[]>? ready = null;
        lock (gate)
        {
            // Another batch's prefetch stays pending: it is probably the next one asked for.
            int match = pending.FindIndex(p => p.Draw == draw && p.Indices.AsSpan().SequenceEqual(indices));
            if (match >= 0)
            {
                ready = pending[match].Pixels;
                pending.RemoveAt(match);
            }
        }
        byte[] pixels;
        try { pixels = ready is not null ? ready.GetAwaiter().GetResult() : Decode(indices, draw); }
        catch (AggregateException e) when (e.InnerException is MyopiaException inner) { throw inner; }
        return TensorBytes.FromBytes(pixels, indices.Length, Channels, Height, Width);
    }

    public void Prefetch(long[] indices, long draw = 0)
    {
        var copy = (long[])indices.Clone();
        lock (gate)
        {
            if (pending.Any(p => p.Draw == draw && p.Indices.AsSpan().SequenceEqual(copy))) return;
            if (pending.Count == 2) pending.RemoveAt(0);
            pending.Add((copy, draw, Task.Run(() => Decode(copy, draw))));
        }
    }

    public IImageStore Subset(long[] indices) =>
        new FileImageStore(files, indices.Select(i => paths[i]).ToList(), pipeline, train, Height, Width);

    /// <summary>Decodes and transforms the images at <paramref name="indices"/> into one N x C x H x W buffer.</summary>
    private byte[] Decode(long[] indices, long draw)
    {
        int imageBytes = Channels * Height * Width;
        var pixels = new byte[(long)indices.Length * imageBytes];
        ParallelWork.Run(() => Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var image = Transform(indices[k], draw);
            image.Pixels.CopyTo(pixels.AsSpan(k * imageBytes, imageBytes));
        }));
        return pixels;
    }

    /// <summary>Image <paramref name="index"/> decoded and transformed (the train split's random crop fixed by <paramref name="draw"/>).</summary>
    public PlanarImage Transform(long index, long draw = 0)
    {
        var path = paths[index];
        var decoded = ImageDecoder.DecodeRented(path, files[path]);
        PlanarImage image;
        try
        {
            image = train && pipeline.IsRandom
                ? pipeline.Train(decoded, SplitMix64.Derive(draw, 0x5EED, StableHash(path)))
                : pipeline.Evaluate(decoded);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(decoded.Pixels);
        }
        if (image.Height != Height || image.Width != Width)
            throw new MyopiaException($"{files.Origin}: {path} is {decoded.Width}x{decoded.Height} ({image.Width}x{image.Height} after {pipeline}), but the split's images are {Width}x{Height}; " +
                                      "give the dataset a crop (e.g. --data NAME:resize=256,crop=224) so every image ends the same size");
        return image;
    }

    // The crop of an image depends on its file, not its position, so a subset crops it as the whole split does.
    private static long StableHash(string path)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var c in path) hash = (hash ^ c) * 1099511628211UL;
        return (long)hash;
    }

    public void Dispose()
    {
        lock (gate) pending.Clear();
    }
}
