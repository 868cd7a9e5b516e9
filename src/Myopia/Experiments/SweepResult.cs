namespace Myopia.Experiments;

/// <summary>
/// One row of a sweep's results.csv. Accuracies are fractions; mode B is null where not computed.
/// "Best" is the epoch with the highest mode-A test accuracy (the study reports max over epochs);
/// <see cref="BestPatchAcc"/> is mode B of that epoch's checkpoint.
/// </summary>
public sealed record SweepRow(
    string Name,
    string Model,
    int Tile,
    int Seed,
    Dictionary<string, string> Extra,
    int Epochs,
    double FinalAcc,
    double BestAcc,
    int BestEpoch,
    double FinalTop5,
    double? PatchAcc,
    double? PatchTop5,
    double Seconds,
    double? BestPatchAcc = null)
{
    /// <summary>Seconds of this run's mode B evaluations (final and best checkpoints), from their measured throughput.</summary>
    public double? PatchSeconds { get; init; }

    public static string CsvHeader(IEnumerable<string> extraNames) =>
        "name,model,tile,seed," + string.Concat(extraNames.Select(n => n + ",")) +
        "epochs,final_acc,best_acc,best_epoch,final_top5,patch_acc,patch_top5,best_patch_acc,seconds,patch_seconds";

    public string ToCsv(IEnumerable<string> extraNames)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string F(double? v) => v is { } x ? x.ToString("F4", c) : "";
        return $"{Name},{Model},{Tile},{Seed}," + string.Concat(extraNames.Select(n => (Extra.GetValueOrDefault(n) ?? "") + ",")) +
               $"{Epochs},{F(FinalAcc)},{F(BestAcc)},{BestEpoch},{F(FinalTop5)},{F(PatchAcc)},{F(PatchTop5)},{F(BestPatchAcc)},{Seconds.ToString("F1", c)},{(PatchSeconds is { } ps ? ps.ToString("F1", c) : "")}";
    }
}

/// <summary>Mean and spread over seeds of one (model, tile) cell of a sweep.</summary>
public sealed record SweepCell(string Model, int Tile, int Runs, double MeanAcc, double StdAcc, double MinAcc, double MaxAcc,
    double? MeanPatchAcc, double MeanBestAcc, double? MeanBestPatchAcc = null);

public sealed record SweepResult(string SweepDir, string Dataset, List<SweepRow> Rows, List<SweepCell> Cells, int Ran, int Skipped, double Seconds)
{
    /// <summary>Runs that did not finish (their train.log says why); empty when all did.</summary>
    public List<string> Failed { get; init; } = [];
}
