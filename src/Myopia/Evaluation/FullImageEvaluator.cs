using System.Diagnostics;
using Myopia.Analysis;
using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Evaluation;

/// <param name="Batch">Images per forward pass.</param>
/// <param name="KeepPredictions">Keep every image's label, prediction and logits in the result (for <c>eval --save-predictions</c>).</param>
public sealed record FullImageOptions(int Batch = 256, bool KeepPredictions = false);

/// <summary>
/// Mode A of the tile study: whole, uncropped test images through the network (global pooling
/// lets a tile-trained network take them), argmax of the logits. Top-1, top-5, per-class accuracy
/// and the confusion matrix.
/// </summary>
public sealed class FullImageEvaluator(Classifier classifier, FullImageOptions options) : IAnalysis<EvaluationResult>
{
    public FullImageEvaluator(Classifier classifier) : this(classifier, new FullImageOptions()) { }

    public EvaluationResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        CheckClasses(classifier, data);
        var tally = new ClassificationTally(data.ClassCount);
        var predictions = options.KeepPredictions ? new PredictionRecorder(data) : null;
        var clock = Stopwatch.StartNew();
        BatchedInference.Run(classifier, data, options.Batch, "full images", chunk =>
        {
            var logits = classifier.Logits(chunk.Images);
            tally.Add(logits, chunk.Labels);
            predictions?.Add(chunk.Start, logits, chunk.Labels);
        }, progress, cancellation);
        return tally.Result("full", data.ClassNames, data.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds)) with
        {
            Predictions = predictions?.Result(),
        };
    }

    /// <summary>One clear error when a classifier's outputs do not match a dataset's classes.</summary>
    public static void CheckClasses(Classifier classifier, ImageDataset data)
    {
        if (classifier.Preprocessing.Classes != data.ClassCount)
            throw new MyopiaException($"{classifier.Label} has {classifier.Preprocessing.Classes} outputs but {data.Name} has {data.ClassCount} classes");
    }
}
