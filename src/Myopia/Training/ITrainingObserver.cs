namespace Myopia.Training;

/// <summary>Receives progress from a <see cref="Trainer"/>; the CLI renders it as a progress bar or plain lines.</summary>
public interface ITrainingObserver
{
    void EpochStarted(int epoch, int epochs, long batches, long firstBatch) { }
    void BatchFinished(int epoch, long batch, long batches, long images, double loss) { }
    void Evaluating(int epoch) { }
    void EpochFinished(EpochMetrics metrics, bool best) { }
    void Message(string text) { }
}

public sealed class SilentObserver : ITrainingObserver
{
    public static readonly SilentObserver Instance = new();
}
