using Myopia.Evaluation;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// Stops a diverging run where it diverges, instead of letting it finish "successfully" with a model
/// that predicts one class. The yardstick is ln(C), the cross-entropy of a uniform guess over C classes:
/// a freshly initialised network scores about that, and a learning one goes below it. A loss above
/// <see cref="ExplosionFactor"/> x ln(C) means logit gaps in the thousands pointing at wrong classes; no run
/// that is still learning gets there (healthy runs stay within a few ln(C) even in their first batches),
/// while a too-large learning rate reaches it within a step or two. Non-finite losses and weights stop at once.
/// </summary>
public sealed class DivergenceGuard(int classes)
{
    public const double ExplosionFactor = 1000;

    /// <summary>The loss of a uniform guess, ln(C).</summary>
    public double ChanceLoss { get; } = Math.Log(Math.Max(2, classes));

    public double ExplosionThreshold => ExplosionFactor * ChanceLoss;

    /// <summary>Why a training loss means the run diverged, or null when it is fine.</summary>
    public string? CheckTrainLoss(double loss) =>
        !double.IsFinite(loss) ? $"training loss became {loss}"
        : loss > ExplosionThreshold ? $"training loss exploded to {loss:G4}, above {ExplosionFactor:G}·ln({classes}) = {ExplosionThreshold:G4} (a uniform guess scores {ChanceLoss:G3})"
        : null;

    public static string? CheckTestLoss(double loss) => double.IsFinite(loss) ? null : $"test loss became {loss}";

    /// <summary>
    /// Why the weights are unusable after an optimizer step, or null. The sums of all parameters are added
    /// on the device and read once (a NaN or an infinity anywhere makes the total non-finite); only then
    /// is each tensor looked at, to name the broken one. One synchronisation per step, not one per tensor.
    /// </summary>
    public static string? CheckWeights(nn.Module model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? total = null;
        foreach (var p in model.parameters())
            total = total is null ? p.sum().to(float64) : total.add_(p.sum().to(float64));
        if (total is null || double.IsFinite(total.item<double>())) return null;
        foreach (var (name, p) in model.named_parameters())
            if (!p.detach().isfinite().all().item<bool>())
                return $"weights of {name} became non-finite after an optimizer step";
        return null; // finite values whose sum overflowed float64: not a divergence
    }

    /// <summary>
    /// A warning when every test image gets the same prediction while training accuracy is no better than
    /// chance (below twice 1/C): the network has collapsed to one class. Not an error on its own: an
    /// epoch-1 model on a hard dataset may pass through it; the warning makes it visible.
    /// </summary>
    public string? CheckCollapse(EvaluationResult test, double trainAccuracy)
    {
        if (test.Count == 0 || classes < 2) return null;
        var predicted = new long[classes];
        foreach (var row in test.ConfusionMatrix)
            for (int c = 0; c < row.Length && c < classes; c++) predicted[c] += row[c];
        int used = predicted.Count(n => n > 0);
        if (used != 1 || trainAccuracy >= 2.0 / classes) return null;
        int only = Array.FindIndex(predicted, n => n > 0);
        return $"all {test.Count} test images are predicted as class {test.ClassNames.ElementAtOrDefault(only) ?? only.ToString()} " +
               $"and training accuracy is {trainAccuracy:P1} (chance: {1.0 / classes:P1}): the network has collapsed to one class; a lower --lr may help";
    }
}
