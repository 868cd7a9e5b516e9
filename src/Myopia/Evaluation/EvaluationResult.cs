using Myopia.Analysis;

namespace Myopia.Evaluation;

/// <summary>Accuracy figures of a classifier on a labelled set. Accuracies are fractions in [0, 1].</summary>
public sealed record EvaluationResult(
    string Mode,
    int Count,
    double Loss,
    double Top1,
    double Top5,
    double[] PerClassAccuracy,
    /// <summary>ConfusionMatrix[true][predicted] counts.</summary>
    int[][] ConfusionMatrix,
    IReadOnlyList<string> ClassNames,
    double ImagesPerSecond) : IAnalysisResult
{
    /// <summary>Per-image outcomes, when asked for (<see cref="FullImageOptions.KeepPredictions"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ImagePredictions? Predictions { get; init; }

    public IReadOnlyDictionary<string, object> Headline() => new Dictionary<string, object>
    {
        ["mode"] = Mode,
        ["images"] = Count,
        ["top1"] = Top1,
        ["top5"] = Top5,
        ["loss"] = Loss,
    };
}
