using Myopia.Data;

namespace Myopia.Classifiers;

/// <summary>
/// What a network expects of its input and what its outputs mean: pixels in [0, 1] normalized per
/// channel, a number of channels, the image size it was made for, and one name per logit.
/// </summary>
/// <param name="Height">Nominal input height (the training image or tile size); networks with global
/// pooling accept other sizes, so analyses use it only where no data says a size.</param>
public sealed record Preprocessing(Normalization Normalization, int Channels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    public int Classes => ClassNames.Count;

    /// <summary>
    /// Fresh white noise added to every normalised image, as the network was trained (Petrini et al.'s
    /// noise-corrupted training): std·g/√(C·H·W), g ~ N(0, I), so that its norm is about std; 0: none.
    /// The test images of such a network are corrupted the same way, in every analysis.
    /// </summary>
    public double InputNoise { get; init; }

    /// <summary>Adds the <see cref="InputNoise"/> corruption to normalised images (a new tensor); returns them unchanged when there is none.</summary>
    public TorchSharp.torch.Tensor Corrupt(TorchSharp.torch.Tensor normalized, TorchSharp.torch.Generator? generator = null)
    {
        if (InputNoise == 0) return normalized;
        double perEntry = InputNoise / Math.Sqrt(normalized[0].numel());
        using var g = TorchSharp.torch.randn(normalized.shape, normalized.dtype, normalized.device, generator: generator);
        return normalized + g * perEntry;
    }

    /// <summary>Class names "0".."k-1", for a model file that carries none.</summary>
    public static IReadOnlyList<string> NumberedClasses(int classes) =>
        Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
