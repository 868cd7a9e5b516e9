using System.Diagnostics;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Evaluation;
using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <param name="Tile">Patch side T.</param>
/// <param name="Stride">Step between patches (1: every patch).</param>
/// <param name="PatchBatch">Patches per forward pass; bounds memory.</param>
public sealed record PatchAveragedOptions(int Tile, int Stride = 1, int PatchBatch = 1024);

/// <summary>
/// Mode B of the tile study: the logits of every T x T patch of an image (stride 1 by default, no
/// padding) are averaged, and the argmax of the mean is the prediction. Batched over images and
/// patches, so it runs at the network's batched throughput.
/// </summary>
public sealed class PatchAveragedEvaluator(Classifier classifier, PatchAveragedOptions options) : IAnalysis<EvaluationResult>
{
    public EvaluationResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        CheckFits(data.Height, data.Width);
        FullImageEvaluator.CheckClasses(classifier, data);
        var tally = new ClassificationTally(data.ClassCount);
        var clock = Stopwatch.StartNew();
        BatchedInference.Run(classifier, data, ImagesPerChunk(data.Height, data.Width), $"patches T={options.Tile}", chunk =>
        {
            using var mean = MeanLogitsOfNormalized(chunk.Images);
            tally.Add(mean, chunk.Labels);
        }, progress, cancellation);
        return tally.Result($"patches-t{options.Tile}" + (options.Stride > 1 ? $"-s{options.Stride}" : ""), Evaluation.FullImageEvaluator.DisplayNames(data),
            data.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }

    /// <summary>N x K mean patch logits of normalized images (eval mode, no gradients).</summary>
    public Tensor MeanLogits(Tensor normalizedImages)
    {
        CheckFits((int)normalizedImages.shape[2], (int)normalizedImages.shape[3]);
        using var eval = classifier.EvalMode();
        return MeanLogitsOfNormalized(normalizedImages);
    }

    private Tensor MeanLogitsOfNormalized(Tensor x)
    {
        using var logits = PatchLogits.Compute(classifier.Logits, x, options.Tile, options.Stride, options.PatchBatch);
        return logits.mean([1, 2]);
    }

    // Enough images per chunk that a chunk holds about four patch batches.
    private int ImagesPerChunk(int height, int width)
    {
        long perImage = (long)((height - options.Tile) / options.Stride + 1) * ((width - options.Tile) / options.Stride + 1);
        return (int)Math.Max(1, options.PatchBatch * 4L / perImage);
    }

    private void CheckFits(int height, int width)
    {
        if (options.Tile < 1) throw new MyopiaException($"tile must be >= 1, got {options.Tile}");
        if (options.Tile > height || options.Tile > width)
            throw new MyopiaException($"tile {options.Tile}x{options.Tile} is larger than the {height}x{width} images");
        if (options.Stride < 1) throw new MyopiaException($"stride must be >= 1, got {options.Stride}");
        classifier.CheckInputSide(options.Tile, options.Tile, "tile");
        if (options.PatchBatch < 1) throw new MyopiaException($"patch batch must be >= 1, got {options.PatchBatch}");
    }
}
