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
    /// <summary>Top-1/top-5 of patch-averaged logits over uint8 images, normalized chunk by chunk.</summary>
    public EvaluationResult Evaluate(ImageDataset data, Action<long, long>? progress = null)
    {
        CheckFits(data.Height, data.Width);
        using var normalizer = new Normalizer(normalization);
        return Run(data.Count, data.Height, data.Width, data.ClassCount, data.ClassNames,
            (start, n) => normalizer.FromBytes(data.Images.narrow(0, start, n)), data.Labels, progress);
    }

    /// <summary>The same on images already normalized (float N x C x H x W), with int64 labels.</summary>
    public EvaluationResult Evaluate(Tensor normalizedImages, Tensor labels, IReadOnlyList<string> classNames, Action<long, long>? progress = null)
    {
        int h = (int)normalizedImages.shape[2], w = (int)normalizedImages.shape[3];
        CheckFits(h, w);
        return Run(normalizedImages.shape[0], h, w, classNames.Count, classNames, (start, n) => normalizedImages.narrow(0, start, n), labels, progress);
    }

    /// <summary>N x K mean patch logits of normalized images (eval mode, no gradients).</summary>
    public Tensor MeanLogits(Tensor normalizedImages)
    {
        using var eval = new EvalModeScope(model);
        using var logits = PatchLogits.Compute(model, normalizedImages, tile, stride, patchBatch);
        return logits.mean([1, 2]);
    }

    private EvaluationResult Run(long count, int height, int width, int classes, IReadOnlyList<string> classNames,
        Func<long, long, Tensor> chunkOf, Tensor labels, Action<long, long>? progress)
    {
        long perImage = (long)((height - tile) / stride + 1) * ((width - tile) / stride + 1);
        int imagesPerChunk = (int)Math.Max(1, patchBatch * 4 / perImage);
        var tally = new ClassificationTally(classes);
        var clock = Stopwatch.StartNew();
        using (new EvalModeScope(model))
        {
            for (long start = 0; start < count; start += imagesPerChunk)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(imagesPerChunk, count - start);
                tally.Add(MeanLogits(chunkOf(start, n)), labels.narrow(0, start, n));
                progress?.Invoke(start + n, count);
            }
        }
        return tally.Result($"patches-t{tile}" + (stride > 1 ? $"-s{stride}" : ""), classNames, count / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }

    private void CheckFits(int height, int width)
    {
        if (tile < 1) throw new MyopiaException($"tile must be >= 1, got {tile}");
        if (tile > height || tile > width)
            throw new MyopiaException($"tile {tile}x{tile} is larger than the {height}x{width} images");
        if (stride < 1) throw new MyopiaException($"stride must be >= 1, got {stride}");
    }
}
