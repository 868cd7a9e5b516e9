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
    /// <summary>Adaptive polyphase sampling in the pools; false (and absent in older checkpoints) for the plain grid.</summary>
    public bool Aps { get; init; }
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
    /// <summary>Precision and layout resolved when the run started; null in checkpoints written before they were recorded (FP32, standard layout).</summary>
    public TrainingCompute? Compute { get; init; }

    /// <summary>
    /// Refuses a header that cannot describe a real model, with one message naming the field: the footer's hash
    /// only proves the file is intact, not that whoever wrote (or edited) it was sensible, and a bad value here
    /// would otherwise surface as a stack trace deep in model construction or evaluation.
    /// </summary>
    public void Validate(string path)
    {
        string? problem = FindProblem();
        if (problem is not null) throw new MyopiaException($"{path} has an invalid header: {problem}");
    }

    public const int MaxClasses = 100_000;
    public const int MaxChannels = 64;
    public const int MaxImageSide = 16_384;

    private string? FindProblem()
    {
        if (FormatVersion is < 1 or > 2) return $"format version {FormatVersion} (this build reads 1 and 2)";
        if (string.IsNullOrWhiteSpace(Model)) return "no model name";
        if (!ModelRegistry.Exists(Model)) return $"unknown model '{Model}'";
        if (Classes is < 2 or > MaxClasses) return $"{Classes} classes (expected 2 to {MaxClasses:N0})";
        if (Channels is < 1 or > MaxChannels) return $"{Channels} input channels (expected 1 to {MaxChannels})";
        if (ImageHeight is < 1 or > MaxImageSide || ImageWidth is < 1 or > MaxImageSide) return $"image size {ImageHeight}x{ImageWidth}";
        if (ClassNames is null) return "no class names";
        if (ClassNames.Length != Classes) return $"{ClassNames.Length} class names for a head of {Classes} classes";
        if (ClassNames.Any(string.IsNullOrEmpty)) return "an empty class name";
        if (Normalization is null || Normalization.Mean is null || Normalization.Std is null) return "no normalization";
        if (Normalization.Mean.Length != Channels || Normalization.Std.Length != Channels)
            return $"normalization for {Normalization.Mean.Length} channels (mean) and {Normalization.Std.Length} (std), but {Channels} input channels";
        if (Normalization.Mean.Any(m => !float.IsFinite(m)) || Normalization.Std.Any(s => !(s > 0) || !float.IsFinite(s)))
            return "a normalization mean that is not finite or a std that is not positive";
        if (Tile is { } t && (t < 1 || t > Math.Min(ImageHeight, ImageWidth))) return $"tile {t} (expected 1 to {Math.Min(ImageHeight, ImageWidth)})";
        if (Antialias is < 0 or > 7) return $"antialias filter {Antialias} (expected 0 to 7)";
        if (Options is null) return "no training options";
        if (CompletedEpochs < 0) return $"{CompletedEpochs} completed epochs";
        if (History is null) return "no history";
        if (Partial is { } p && (p.Epoch != CompletedEpochs || p.NextBatch < 0 || p.Seen < 0)) return $"a partial epoch {p.Epoch + 1} after {CompletedEpochs} completed";
        return null;
    }

    /// <summary>The options to build the model again from the registry.</summary>
    public ModelOptions ToModelOptions() => new(Classes, Channels, Stem, Antialias, Aps ? Downsampling.Aps : Downsampling.Subsample);
}
