using System.Diagnostics;
using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Evaluation;

/// <summary>
/// Mode A of the tile study: whole, uncropped test images through the network (global pooling
/// lets a tile-trained network take them), argmax of the logits. Top-1, top-5, per-class accuracy
/// and the confusion matrix.
/// </summary>
public sealed class FullImageEvaluator(nn.Module<Tensor, Tensor> model, Normalization normalization, int batchSize = 256)
{
    public EvaluationResult Evaluate(ImageDataset data, Action<long, long>? progress = null)
    {
        var tally = new ClassificationTally(data.ClassCount);
        var clock = Stopwatch.StartNew();
        using (new EvalModeScope(model))
        {
            using var normalizer = new Normalizer(normalization);
            for (long start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(batchSize, data.Count - start);
                var x = normalizer.FromBytes(data.Images.narrow(0, start, n));
                var logits = model.call(x);
                tally.Add(logits, data.Labels.narrow(0, start, n));
                progress?.Invoke(start + n, data.Count);
            }
        }
        return tally.Result("full", data.ClassNames, data.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }
}
