using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// The hinge loss of the scale-detection tasks (Tomasini et al. 2023; diffeo-sota's <c>optim_loss.py</c>):
/// mean(relu(1 − y·o)) with y = −1 for class 0 and +1 for class 1 (twopoints: far −1, close +1).
/// </summary>
/// <remarks>
/// The authors' networks have one output o. Here every network of the registry has one output per class,
/// so o is taken as the difference of the two logits, z₁ − z₀: a 2-output linear head spans exactly the
/// same functions o as a 1-output head (its weights' difference is the 1-output head), so the task and the
/// loss are the same; only the parametrisation of the last layer (and so its SGD dynamics, by a factor 2 in
/// the effective learning rate of that layer) differs. The prediction argmax(z) is sign(o), so accuracies
/// mean the same. Defined for two classes only.
/// </remarks>
public static class HingeLoss
{
    public const string Name = "hinge";

    /// <summary>The loss of a batch of two-class <paramref name="logits"/> (N x 2) against int64 labels in {0, 1}.</summary>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        if (logits.dim() != 2 || logits.shape[1] != 2)
            throw new MyopiaException($"the hinge loss needs two outputs per image (two classes), got logits of shape [{string.Join(", ", logits.shape)}]");
        var margin = logits.select(1, 1) - logits.select(1, 0);           // o = z_close − z_far
        var sign = labels.to_type(logits.dtype) * 2 - 1;                   // y ∈ {−1, +1}
        return nn.functional.relu(1 - sign * margin).mean();
    }

    /// <summary>One line refusing the hinge loss for a dataset that does not have two classes.</summary>
    public static void EnsureTwoClasses(int classes, string data)
    {
        if (classes != 2)
            throw new MyopiaException($"--loss hinge needs a two-class dataset; {data} has {classes} classes (use --loss cross-entropy)");
    }
}
