namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// One idealised pooling network of [P2] (spec §7): <paramref name="Layers"/> layers of a 1-D net whose
/// filters are constant and positive, unit i of layer k+1 = ReLU((s/F)·Σ_{j&lt;F} h^k_{s·i+j} + b), probed with
/// the <paramref name="Inputs"/> one-hot vectors of that length. Stride 1 is the "diffusing" architecture,
/// stride = filter the "block-pooling" one.
/// </summary>
/// <param name="Filter">F, the filter size.</param>
/// <param name="Stride">s; s/F is the weight of every tap, so that for s = F a unit sums its block.</param>
/// <param name="Bias">b; [P2] uses 0, where every ReLU after the first is the identity on the non-negative signals.</param>
/// <param name="Seed">Seeds the Gaussian directions of the noise, one per input.</param>
public sealed record IdealPoolingOptions(int Filter, int Stride, int Layers, int Inputs, int Seed = 0, double Bias = 0)
{
    /// <summary>F = 3, stride 1, 32 layers, 240 inputs: spec target 5.</summary>
    public static IdealPoolingOptions StrideOne(int seed = 0) => new(3, 1, 32, 240, seed);

    /// <summary>F = s = 2, 7 layers, 257 inputs: spec target 4.</summary>
    public static IdealPoolingOptions StrideTwo(int seed = 0) => new(2, 2, 7, 257, seed);

    /// <summary>
    /// Zero padding on each side, ⌊(F − 1)/2⌋: the spec's (F − 1)/2 read with integer division. For odd F the
    /// width is kept at stride 1; for even F there is none, so with F = s = 2 the last site of an odd-length
    /// input (256 of 0..256) falls off the first layer. That is the reading that reproduces the spec's
    /// stride-2 numbers: D_5 = 0.0357 (target 0.036); padding one zero on the right, as the authors' 1-D
    /// training nets do for even F (spec §6), gives D_5 = 0.040, 11 % off.
    /// </summary>
    public int Padding => (Filter - 1) / 2;

    /// <summary>The units of layer k: ⌊(width + 2·padding − F)/s⌋ + 1 applied k times, as conv1d computes it.</summary>
    public int Width(int k)
    {
        int w = Inputs;
        for (int i = 0; i < k; i++) w = (w + 2 * Padding - Filter) / Stride + 1;
        return w;
    }

    /// <summary>A reason the network cannot be built, or null.</summary>
    public string? Problem()
    {
        if (Filter < 1) return $"the filter size must be at least 1, got {Filter}";
        if (Stride < 1) return $"the stride must be at least 1, got {Stride}";
        if (Stride > Filter) return $"the stride ({Stride}) must not exceed the filter size ({Filter}): sites would be skipped";
        if (Layers < 1) return $"the number of layers must be at least 1, got {Layers}";
        if (Inputs < 2) return $"at least 2 inputs are needed (the one-hot vectors of length n), got {Inputs}";
        if (!double.IsFinite(Bias)) return $"the bias must be a finite number, got {Bias}";
        // Odd F keeps the width at stride 1; even F loses a site per layer and stride s divides it: too many layers leave nothing.
        int w = Inputs;
        for (int k = 1; k <= Layers; k++)
        {
            if (w + 2 * Padding < Filter)
                return $"layer {k} has nothing left to pool: {Layers} layers of filter {Filter}, stride {Stride} need more than {Inputs} inputs";
            w = (w + 2 * Padding - Filter) / Stride + 1;
        }
        return null;
    }
}
