using Myopia.Data;

namespace Myopia.Training;

/// <summary>
/// What a checkpoint carries besides weights: everything needed to use the model again or to
/// continue its training (architecture, data, normalization, tile size, options, history).
/// </summary>
public sealed record CheckpointInfo
{
    public int FormatVersion { get; init; } = 1;
    public required string Model { get; init; }
    public required int Classes { get; init; }
    public required int Channels { get; init; }
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
}
