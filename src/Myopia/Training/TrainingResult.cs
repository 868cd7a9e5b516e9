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
    List<EpochMetrics> History);
