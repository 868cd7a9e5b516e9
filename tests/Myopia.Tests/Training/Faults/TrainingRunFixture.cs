using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Training.Faults;

/// <summary>
/// A tiny uninterrupted two-epoch training through the real CLI, run once and shared: the reference the
/// interrupted-and-resumed runs must match. Epoch 2 is the best epoch, so best.pt is written in the final epoch.
/// </summary>
public sealed class TrainingRunFixture : IDisposable
{
    public const string Data = "synthetic:train_count=96,test_count=48,image_size=16,motif_size=4";
    public static readonly string[] TrainArgs = ["train", "--data", Data, "--epochs", "2", "--batch", "32", "--threads", "1"];

    public string Root { get; } = Directory.CreateTempSubdirectory("myopia-faults-").FullName;
    public string Straight => Path.Combine(Root, "straight");

    public TrainingRunFixture()
    {
        var outcome = CliProcess.Run([.. TrainArgs, "--out", Straight]);
        if (outcome.ExitCode != 0) throw new InvalidOperationException($"the reference training failed: {outcome.Stderr}");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
