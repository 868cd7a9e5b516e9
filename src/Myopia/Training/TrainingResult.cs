namespace Myopia.Training;

/// <summary>How a run ended and its figures; also written as summary.json in the run folder.</summary>
public sealed record TrainingResult(
    string RunDir,
    string Model,
    string Dataset,
    int? Tile,
    long Parameters,
    int CompletedEpochs,
    bool Interrupted,
    EpochMetrics? Final,
    EpochMetrics? Best,
    double TotalSeconds,
    List<EpochMetrics> History)
{
    /// <summary>How the run computed: precision and activation layout, with the reasons.</summary>
    public TrainingCompute? Compute { get; init; }

    /// <summary>Test images each evaluation used (after --test-limit): the n of the accuracies' confidence intervals. Null in older summaries.</summary>
    public int? TestImages { get; init; }

    /// <summary>Classes of the dataset: chance level is 1 / Classes. Null in older summaries.</summary>
    public int? Classes { get; init; }
}

/// <summary>
/// The precision and activation layout a run trained with, resolved from --precision and --memory-format
/// and kept for its whole life (a resumed run computes as it started).
/// </summary>
public sealed record TrainingCompute(string Precision, string PrecisionReason, string MemoryFormat, string MemoryFormatReason)
{
    public Compute.NumericPrecision NumericPrecision => Precision == "bf16" ? Compute.NumericPrecision.Bf16 : Compute.NumericPrecision.Fp32;
    public Compute.MemoryFormat Format => MemoryFormat == "channels-last" ? Compute.MemoryFormat.ChannelsLast : Compute.MemoryFormat.Contiguous;
}
