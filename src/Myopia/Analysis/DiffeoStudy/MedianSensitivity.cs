using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// [P1]'s median estimator (diffeo-sota's results/utils.py): num = Σ_u median_p (Δf_{p,u})², the median
/// over images of each output coordinate's squared change, summed over coordinates; den = the median over
/// all P × P ordered pairs (diagonal included) of ‖f(x_p) − f(x_q)‖². It needs every probe at once, so it is
/// computed on the network's output, where [P1] uses it. Medians of an even count take the lower middle
/// value, as torch.median does.
/// </summary>
public static class MedianSensitivity
{
    public static Sensitivities Compute(Tensor clean, Tensor deformedImages, Tensor noisyImages)
    {
        using var scope = NewDisposeScope();
        var f = clean.flatten(1).to_type(ScalarType.Float64);
        double numD = LowerMedian((deformedImages.flatten(1).to_type(ScalarType.Float64) - f).square()).sum().item<double>();
        double numG = LowerMedian((noisyImages.flatten(1).to_type(ScalarType.Float64) - f).square()).sum().item<double>();
        var pairs = (f.unsqueeze(0) - f.unsqueeze(1)).square().sum(2);
        double den = LowerMedian(pairs.flatten().unsqueeze(1)).item<double>() + Sensitivities.DenominatorFloor;
        return Sensitivities.From(numD, numG, den);
    }

    /// <summary>torch.median along dimension 0: the ⌊(n+1)/2⌋-th smallest value of each column.</summary>
    private static Tensor LowerMedian(Tensor values) => values.kthvalue((values.shape[0] + 1) / 2, 0).values;
}
