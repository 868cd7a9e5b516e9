using Myopia.Training;

namespace Myopia.Cli.Terminal;

/// <summary>Shows a trainer's progress: one bar per epoch (counting images), one line per finished epoch.</summary>
public sealed class TrainingProgress(IProgressSink sink, string label, int batchSize, long trainCount) : ITrainingObserver
{
    public void EpochStarted(int epoch, int epochs, long batches, long firstBatch)
    {
        sink.Start($"{label} epoch {epoch}/{epochs}", trainCount);
        sink.Report(Math.Min(trainCount, firstBatch * batchSize));
    }

    public void BatchFinished(int epoch, long batch, long batches, long images, double loss) =>
        sink.Report(Math.Min(trainCount, batch * batchSize));

    public void Evaluating(int epoch) => sink.Report(trainCount, $"{label} evaluating epoch {epoch}");

    public void EpochFinished(EpochMetrics m, bool best) =>
        sink.Finish($"{label} epoch {m.Epoch}: train loss {m.TrainLoss:F3} acc {m.TrainAcc:P1} | {(m.Evaluated ? $"test acc {m.TestAcc:P2} top5 {m.TestTop5:P1}" : "not evaluated (--eval-every)")} | {m.ImagesPerSecond:F0} img/s, {m.Seconds:F0} s{(best ? " *" : "")}");

    public void Message(string text) => sink.Message(text);
}
