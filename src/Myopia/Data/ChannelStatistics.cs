namespace Myopia.Data;

/// <summary>
/// Exact per-channel mean and standard deviation of uint8 images (pixels scaled to [0, 1]),
/// computed through a 256-bin histogram per channel so one pass over the bytes suffices and
/// no float copy of the dataset is ever made.
/// </summary>
public static class ChannelStatistics
{
    public static Normalization Compute(DecodedImages images) =>
        Compute(images.Pixels, images.Count, images.Channels, images.Height * images.Width);

    /// <summary>
    /// Statistics of a split: every image when it is in memory; for a streamed split, an evenly spaced
    /// sample of at most <paramref name="sample"/> images, since reading every file costs a full epoch of decoding.
    /// </summary>
    public static Normalization Compute(ImageDataset dataset, int sample = 2000)
    {
        if (!dataset.IsStreamed)
        {
            using var contiguous = dataset.Images.contiguous();
            return Compute(TensorBytes.Span(contiguous), dataset.Count, dataset.Channels, dataset.Height * dataset.Width);
        }
        int n = Math.Min(sample, dataset.Count);
        var indices = Enumerable.Range(0, n).Select(i => (long)((double)i * dataset.Count / n)).ToArray();
        // Chunks of 64 images, so the sample costs no more memory than a batch; the mean of chunk
        // moments weighted by size is the moment of the whole sample.
        double[] sum = new double[dataset.Channels], squares = new double[dataset.Channels];
        for (int start = 0; start < n; start += 64)
        {
            var chunk = indices[start..Math.Min(n, start + 64)];
            using var pixels = dataset.Store.Read(chunk);
            var part = Compute(TensorBytes.Span(pixels.contiguous()), chunk.Length, dataset.Channels, dataset.Height * dataset.Width);
            for (int c = 0; c < dataset.Channels; c++)
            {
                sum[c] += part.Mean[c] * (double)chunk.Length;
                squares[c] += ((double)part.Std[c] * part.Std[c] + (double)part.Mean[c] * part.Mean[c]) * chunk.Length;
            }
        }
        var mean = sum.Select(s => s / n).ToArray();
        return new Normalization(mean.Select(m => (float)m).ToArray(),
            squares.Select((s, c) => (float)Math.Sqrt(Math.Max(0, s / n - mean[c] * mean[c]))).ToArray());
    }

    /// <summary>Statistics of <paramref name="count"/> images laid out N x C x (plane) in <paramref name="pixels"/>.</summary>
    public static unsafe Normalization Compute(ReadOnlySpan<byte> pixels, int count, int channels, int planeSize)
    {
        if (count == 0) return Normalization.Identity(channels);
        var histogram = new long[channels * 256];
        var gate = new object();
        fixed (byte* basePointer = pixels)
        {
            var address = (IntPtr)basePointer;
            Parallel.For(0, Environment.ProcessorCount, worker =>
            {
                var local = new long[channels * 256];
                var data = (byte*)address;
                for (var i = worker; i < count; i += Environment.ProcessorCount)
                    for (var c = 0; c < channels; c++)
                    {
                        var plane = new ReadOnlySpan<byte>(data + ((long)i * channels + c) * planeSize, planeSize);
                        var offset = c * 256;
                        foreach (var v in plane) local[offset + v]++;
                    }
                lock (gate)
                    for (var k = 0; k < local.Length; k++) histogram[k] += local[k];
            });
        }
        var mean = new float[channels];
        var std = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            double n = 0, sum = 0, squares = 0;
            for (var v = 0; v < 256; v++)
            {
                var h = histogram[c * 256 + v];
                n += h;
                sum += h * (v / 255.0);
                squares += h * (v / 255.0) * (v / 255.0);
            }
            var m = sum / n;
            mean[c] = (float)m;
            std[c] = (float)Math.Sqrt(Math.Max(0, squares / n - m * m));
        }
        return new Normalization(mean, std);
    }
}
