using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>Per-channel statistics of a split, with pixels scaled to [0, 1].</summary>
public static class DatasetStatistics
{
    public static Normalization Normalization(ImageDataset data)
    {
        using var scope = NewDisposeScope();
        int c = data.Channels;
        var mean = new double[c];
        var sq = new double[c];
        const int chunk = 4096;
        for (long start = 0; start < data.Count; start += chunk)
        {
            long n = Math.Min(chunk, data.Count - start);
            using var x = data.Images.narrow(0, start, n).to_type(ScalarType.Float64).div_(255.0);
            var s = x.sum([0, 2, 3]).data<double>().ToArray();
            var s2 = x.square().sum([0, 2, 3]).data<double>().ToArray();
            for (int i = 0; i < c; i++) { mean[i] += s[i]; sq[i] += s2[i]; }
        }
        double count = (double)data.Count * data.Height * data.Width;
        var m = mean.Select(v => v / count).ToArray();
        var std = sq.Select((v, i) => Math.Sqrt(Math.Max(1e-12, v / count - m[i] * m[i]))).ToArray();
        return new Normalization(m.Select(v => (float)v).ToArray(), std.Select(v => (float)v).ToArray());
    }
}
