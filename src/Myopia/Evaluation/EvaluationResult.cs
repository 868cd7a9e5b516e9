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
    double ImagesPerSecond);
