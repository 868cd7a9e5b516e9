namespace Myopia.Models;

/// <summary>
/// How to build a registered network, in the manner of timm's <c>create_model(name, **kwargs)</c>.
/// </summary>
/// <param name="Classes">Number of outputs.</param>
/// <param name="Channels">Number of input channels.</param>
/// <param name="Stem">First layers (ResNet) or head (VGG); null takes the architecture's default
/// (<see cref="Models.Stem.Study"/> for ResNets and VGGs). Architectures without a choice accept only null.</param>
/// <param name="Antialias">0 for the plain network; otherwise the BlurPool filter size m (1..7, row m of
/// Pascal's triangle) placed as in Zhang (2019). m = 1 keeps the antialiased layout with the identity
/// filter (plain subsampling), a control for the layout change alone. Antialiasing adds no parameter and
/// no state-dict entry, so weights move between plain and antialiased networks.</param>
/// <param name="Downsampling">How stride-2 pools subsample: <see cref="Models.Downsampling.Subsample"/> (the plain grid),
/// or <see cref="Models.Downsampling.Aps"/> (adaptive polyphase sampling, Chaman and Dokmanić 2021; vggsmall and
/// smallcnn, not with Antialias). Adds no parameter and no state-dict entry.</param>
public sealed record ModelOptions(int Classes, int Channels = 3, Stem? Stem = null, int Antialias = 0, Downsampling Downsampling = Downsampling.Subsample)
{
    public const int MaxFilterSize = 7;

    public bool IsAntialiased => Antialias > 0;

    /// <summary>Short text for logs and file names, e.g. "stem=imagenet, antialias=3".</summary>
    public string Summary =>
        string.Join(", ", new[]
        {
            Stem is { } s ? $"stem={StemNames.Name(s)}" : null,
            IsAntialiased ? $"antialias={Antialias}" : null,
            Downsampling == Downsampling.Aps ? "downsampling=aps" : null,
        }.Where(p => p is not null));
}

/// <summary>How a network's stride-2 pools pick the samples they keep.</summary>
public enum Downsampling
{
    /// <summary>The fixed grid (every second row and column from the first): the plain pool, or BlurPool's.</summary>
    Subsample,

    /// <summary>Adaptive polyphase sampling: per image, the polyphase component of largest norm (<see cref="Antialiasing.MaxPolyphasePool"/>).</summary>
    Aps,
}
