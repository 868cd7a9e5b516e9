using Myopia.Data;

namespace Myopia.Analysis;

/// <summary>
/// The one shape of every analysis in Myopia (full-image evaluation, patch-averaged evaluation, tile
/// heatmaps, tile agreement, and the shift and diffeo labs): constructed with a
/// <see cref="Classifiers.Classifier"/> and an options record, run with one verb on a dataset,
/// returning a typed result. Learn one and you know them all.
/// </summary>
public interface IAnalysis<out TResult> where TResult : IAnalysisResult
{
    /// <summary>Runs the analysis on <paramref name="data"/>; reports progress per batch and stops between batches when cancelled.</summary>
    TResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default);
}

/// <summary>A typed analysis result that also gives its headline figures as one flat record.</summary>
public interface IAnalysisResult
{
    /// <summary>
    /// The few numbers a reader wants first, as name to number or string: what <c>--json</c> prints,
    /// what a sweep puts in a row and what a report shows at the top. Accuracies are fractions.
    /// </summary>
    IReadOnlyDictionary<string, object> Headline();
}

/// <summary>Progress of one stage of an analysis: <paramref name="Done"/> of <paramref name="Total"/> items (images unless the stage says otherwise).</summary>
public readonly record struct AnalysisProgress(string Stage, long Done, long Total);
