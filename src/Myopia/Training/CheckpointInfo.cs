using Myopia.Data;
using Myopia.Models;

namespace Myopia.Training;

/// <summary>
/// What a checkpoint carries besides weights: everything needed to use the model again or to
/// continue its training (architecture, data, normalization, tile size, options, history).
/// </summary>
public sealed record CheckpointInfo
{
    /// <summary>2: torchvision parameter names. 1: the older names of resnet18/34 and the VGGs, renamed on
    /// load (<see cref="LegacyParameterNames"/>).</summary>
    public int FormatVersion { get; init; } = 2;
    public required string Model { get; init; }
    public required int Classes { get; init; }
    public required int Channels { get; init; }
    /// <summary>Stem the model was built with; null for the architecture's default.</summary>
    public Stem? Stem { get; init; }
    /// <summary>BlurPool filter size; 0 for the plain network.</summary>
    public int Antialias { get; init; }
    public required int ImageHeight { get; init; }
    public required int ImageWidth { get; init; }
    public required string[] ClassNames { get; init; }
    public required Normalization Normalization { get; init; }
    /// <summary>Tile side trained on; null for full images.</summary>
    public int? Tile { get; init; }
    public required string Dataset { get; init; }
    public string? DataDir { get; init; }
    public required TrainOptions Options { get; init; }
    public string? Command { get; init; }
    public long Parameters { get; init; }
    /// <summary>Number of finished epochs.</summary>
    public int CompletedEpochs { get; init; }
    public PartialEpoch? Partial { get; init; }
    public List<EpochMetrics> History { get; init; } = [];

    /// <summary>The options to build the model again from the registry.</summary>
    public ModelOptions ToModelOptions() => new(Classes, Channels, Stem, Antialias);
}
