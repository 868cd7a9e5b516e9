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

    /// <summary>Class names "0".."k-1", for a model file that carries none.</summary>
    public static IReadOnlyList<string> NumberedClasses(int classes) =>
        Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
