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
/// <param name="MinimumInputSide">The smallest input side the network accepts with its default stem;
/// tile-trained models run unchanged on any larger image.</param>
public sealed record ModelInfo(string Name, string Description, bool IsSpatial, int DefaultInputSide, int MinimumInputSide = 8)
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
    public int MinimumInputSideWith(Stem? stem) => Choice(stem)?.MinimumInputSide ?? MinimumInputSide;

    private StemChoice? Choice(Stem? stem) => stem is null ? null : Stems.FirstOrDefault(s => s.Stem == stem);
}

/// <summary>One stem an architecture accepts, with what it changes about the network.</summary>
public sealed record StemChoice(Stem Stem, bool IsSpatial, int MinimumInputSide, string Description);
