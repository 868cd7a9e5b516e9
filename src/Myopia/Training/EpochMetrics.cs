namespace Myopia.Training;

/// <summary>
/// One row of metrics.csv: the figures of one finished epoch (accuracies in [0, 1]). The test figures are
/// NaN (empty in the CSV) for an epoch that was not evaluated (<see cref="TrainOptions.EvalEvery"/>).
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double Lr,
    double TrainLoss,
    double TrainAcc,
    double TestLoss,
    double TestAcc,
    double TestTop5,
    double ImagesPerSecond,
    double Seconds)
{
    public const string CsvHeader = "epoch,lr,train_loss,train_acc,test_loss,test_acc,test_top5,images_per_s,seconds";

    /// <summary>Whether this epoch was evaluated on the test images.</summary>
    public bool Evaluated => !double.IsNaN(TestAcc);

    public string ToCsv() => string.Join(',',
        Epoch.ToString(), Fmt(Lr), Fmt(TrainLoss), Fmt(TrainAcc), Fmt(TestLoss), Fmt(TestAcc), Fmt(TestTop5),
        ImagesPerSecond.ToString("F1", System.Globalization.CultureInfo.InvariantCulture),
        Seconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));

    private static string Fmt(double v) => double.IsNaN(v) ? "" : v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Where a run stopped inside an epoch (Ctrl-C), so a resume replays nothing and skips nothing.</summary>
public sealed record PartialEpoch(int Epoch, long NextBatch, double LossSum, long Correct, long Seen, double Seconds);
