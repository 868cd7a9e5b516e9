using System.Diagnostics;
using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Evaluation;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <summary>
/// Mode B of the tile study: the logits of every T x T patch of an image (stride 1 by default, no
/// padding) are averaged, and the argmax of the mean is the prediction. Batched over images and
/// patches, so it runs at the network's batched throughput.
/// </summary>
public sealed class PatchAveragedEvaluator(nn.Module<Tensor, Tensor> model, Normalization normalization, int tile, int stride = 1, int patchBatch = 1024)
{
    public EvaluationResult Evaluate(ImageDataset data, Action<long, long>? progress = null)
    {
        if (tile > data.Height || tile > data.Width)
            throw new MyopiaException($"tile {tile}x{tile} is larger than the {data.Height}x{data.Width} images of {data.Name}");
        long perImage = (long)((data.Height - tile) / stride + 1) * ((data.Width - tile) / stride + 1);
        int imagesPerChunk = (int)Math.Max(1, patchBatch * 4 / perImage);
        var tally = new ClassificationTally(data.ClassCount);
        var clock = Stopwatch.StartNew();
        using (new EvalModeScope(model))
        {
            using var normalizer = new Normalizer(normalization);
            for (long start = 0; start < data.Count; start += imagesPerChunk)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(imagesPerChunk, data.Count - start);
                var x = normalizer.FromBytes(data.Images.narrow(0, start, n));
                var mean = MeanLogits(x);
                tally.Add(mean, data.Labels.narrow(0, start, n));
                progress?.Invoke(start + n, data.Count);
            }
        }
        return tally.Result($"patches-t{tile}" + (stride > 1 ? $"-s{stride}" : ""), data.ClassNames, data.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }

    /// <summary>N x K mean patch logits of normalized images.</summary>
    public Tensor MeanLogits(Tensor normalizedImages)
    {
        using var logits = PatchLogits.Compute(model, normalizedImages, tile, stride, patchBatch);
        return logits.mean([1, 2]);
    }
}
