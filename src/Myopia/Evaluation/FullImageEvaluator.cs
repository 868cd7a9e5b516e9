using System.Diagnostics;
using Myopia.Analysis;
using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Evaluation;

/// <param name="Batch">Images per forward pass.</param>
/// <param name="KeepPredictions">Keep every image's label, prediction and logits in the result (for <c>eval --save-predictions</c>).</param>
public sealed record FullImageOptions(int Batch = 256, bool KeepPredictions = false)
{
    /// <summary>Test-time flip: the logits of an image are the mean of its own and its left-right mirror's (airbench's tta_level 1).</summary>
    public bool TestTimeFlip { get; init; }
}

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
            var logits = options.TestTimeFlip ? FlipAveragedLogits(classifier, chunk.Images) : classifier.Logits(chunk.Images);
            tally.Add(logits, chunk.Labels);
            predictions?.Add(chunk.Start, logits, chunk.Labels);
        }, progress, cancellation);
        return tally.Result("full", DisplayNames(data), data.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds)) with
        {
            Predictions = predictions?.Result(),
        };
    }

    /// <summary>(f(x) + f(mirror(x))) / 2, the mirror flipping left-right (the last dimension).</summary>
    public static Tensor FlipAveragedLogits(Classifier classifier, Tensor normalized)
    {
        using var plain = classifier.Logits(normalized);
        using var mirrored = normalized.flip(3);
        using var mirrorLogits = classifier.Logits(mirrored);
        return (plain + mirrorLogits).mul_(0.5);
    }

    /// <summary>One clear error when a classifier's outputs do not match a dataset's classes.</summary>
    public static void CheckClasses(Classifier classifier, ImageDataset data)
    {
        if (classifier.Preprocessing.Classes != data.ClassCount)
            throw new MyopiaException($"{classifier.Label} has {classifier.Preprocessing.Classes} outputs but {data.Name} has {data.ClassCount} classes");
        // Same count, other classes (a CIFAR-10 model on the synthetic set): every figure would be
        // chance or worse and mean nothing. Only names that were really recorded count: a model
        // built in code, or one whose file carries no names ("0".."k-1"), cannot be checked.
        var trained = classifier.Preprocessing.ClassNames;
        if (classifier.Card.Format != Classifiers.ModelFormat.Registry && !IsNumbered(trained) && !IsNumbered(data.ClassNames)
            && !trained.SequenceEqual(data.ClassNames, StringComparer.OrdinalIgnoreCase))
        {
            int first = Enumerable.Range(0, trained.Count).First(i => !string.Equals(trained[i], data.ClassNames[i], StringComparison.OrdinalIgnoreCase));
            throw new MyopiaException($"{classifier.Label} was trained on other classes than {data.Name}'s (class {first} is '{trained[first]}' for the model, " +
                                      $"'{data.ClassNames[first]}' in {data.Name}); evaluate it on the dataset it was trained on");
        }
    }

    private static bool IsNumbered(IReadOnlyList<string> names) =>
        names.Select((name, i) => name == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(same => same);

    /// <summary>The class names a reader sees: WNIDs with their words where the dataset ships them.</summary>
    public static IReadOnlyList<string> DisplayNames(ImageDataset data) =>
        Enumerable.Range(0, data.ClassCount).Select(data.DisplayName).ToList();
}
