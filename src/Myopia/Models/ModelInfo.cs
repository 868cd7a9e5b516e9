namespace Myopia.Models;

/// <summary>
/// What the registry knows about a network before building it, including which
/// <see cref="ModelOptions"/> it accepts.
/// </summary>
/// <param name="Name">Registry name, e.g. "resnet18".</param>
/// <param name="Description">One line for help texts.</param>
/// <param name="IsSpatial">True when the network, built with its default stem, implements
/// <see cref="ISpatialClassifier"/> (global average pooling followed by a linear head).</param>
/// <param name="DefaultInputSide">The image side the architecture was designed for (32 for the CIFAR
/// networks, 28 for LeNet on MNIST); used where a command needs an input size and no data says one.</param>
/// <param name="MinimumInputSide">The smallest input side a forward pass accepts with the default stem
/// (verified per architecture by MinimumInputSideTests); tile-trained models run unchanged on any larger image.</param>
public sealed record ModelInfo(string Name, string Description, bool IsSpatial, int DefaultInputSide, int MinimumInputSide)
{
    /// <summary>The stems <see cref="ModelOptions.Stem"/> may name, the default first; empty when the
    /// architecture has no choice and only a null stem is accepted.</summary>
    public IReadOnlyList<StemChoice> Stems { get; init; } = [];

    /// <summary>Every architecture here accepts <see cref="ModelOptions.Antialias"/> 0..7.</summary>
    public bool AcceptsAntialias { get; init; } = true;

    public Stem? DefaultStem => Stems.Count > 0 ? Stems[0].Stem : null;

    public bool AcceptsStem(Stem stem) => Stems.Any(s => s.Stem == stem);

    /// <summary>Whether the network built with <paramref name="stem"/> (null: the default) is spatial.</summary>
    public bool IsSpatialWith(Stem? stem) => Choice(stem)?.IsSpatial ?? IsSpatial;

    /// <summary>Smallest input side of the network built with <paramref name="stem"/> (null: the default).</summary>
    public int MinimumInputSideWith(Stem? stem) => MinimumInputSideWith(stem, antialias: 0);

    /// <summary>Smallest input side of the network built with <paramref name="stem"/> (null: the default) and BlurPool filter size <paramref name="antialias"/>.</summary>
    public int MinimumInputSideWith(Stem? stem, int antialias)
    {
        var choice = Choice(stem ?? DefaultStem);
        int plain = choice?.MinimumInputSide ?? MinimumInputSide;
        return antialias > 1 ? Math.Max(plain, choice?.AntialiasedMinimumInputSide ?? plain) : plain;
    }

    /// <summary>
    /// Refuses an input side below what the network accepts, with the smallest one it does accept,
    /// instead of libtorch's error from deep inside the forward pass.
    /// </summary>
    /// <param name="what">What the side is, for the message: "--tile", "tile", "image".</param>
    public void CheckInputSide(int side, Stem? stem, int antialias, string what)
    {
        int minimum = MinimumInputSideWith(stem, antialias);
        if (side < minimum)
        {
            string variant = (stem is { } s && Stems.Count > 0 ? $" with the {StemNames.Name(s)} stem" : "") + (antialias > 1 ? $" antialiased ({antialias})" : "");
            throw new MyopiaException($"{what} {side} is too small for {Name}{variant}: the smallest input (tile) it accepts is {minimum}x{minimum} pixels");
        }
    }

    private StemChoice? Choice(Stem? stem) => stem is null ? null : Stems.FirstOrDefault(s => s.Stem == stem);
}

/// <summary>One stem an architecture accepts, with what it changes about the network.</summary>
public sealed record StemChoice(Stem Stem, bool IsSpatial, int MinimumInputSide, string Description)
{
    /// <summary>The smallest input side once BlurPool antialiasing is on, when it differs (null: the same).</summary>
    public int? AntialiasedMinimumInputSide { get; init; }
}
