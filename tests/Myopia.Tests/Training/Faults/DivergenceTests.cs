using Myopia.Evaluation;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Training.Faults;

/// <summary>A diverging run stops where it diverges, with one line naming the checkpoint that really remains.</summary>
public class DivergenceTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-diverge-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void AHugeLearningRateFailsInEpochOneSayingNoCheckpointYet()
    {
        var dir = Path.Combine(root, "lr1e6");
        var outcome = CliProcess.Run("train", "--data", TrainingRunFixture.Data, "--epochs", "2", "--batch", "32", "--threads", "1",
            "--lr", "1e6", "--out", dir);

        Assert.Equal(2, outcome.ExitCode);
        var error = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.StartsWith("error:"));
        Assert.Matches(@"^error: (training loss exploded to .* above 1000·ln\(10\) = 2303|training loss became|weights of .* became non-finite).* in epoch 1, batch \d+; training stopped\. No checkpoint yet in ", error);
        Assert.Contains("Try a lower --lr (was 1000000)", error);
        Assert.DoesNotContain("   at ", outcome.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, Checkpoint.FileName)));
    }

    [Fact]
    public void TheExplosionThresholdIsAThousandTimesTheLossOfAUniformGuess()
    {
        var guard = new DivergenceGuard(classes: 10);
        Assert.Equal(Math.Log(10), guard.ChanceLoss, 12);
        Assert.Null(guard.CheckTrainLoss(2.3));
        Assert.Null(guard.CheckTrainLoss(2302));
        Assert.StartsWith("training loss exploded to 2304", guard.CheckTrainLoss(2304));
        Assert.Equal("training loss became NaN", guard.CheckTrainLoss(double.NaN));
        Assert.Equal($"training loss became {double.PositiveInfinity}", guard.CheckTrainLoss(double.PositiveInfinity));
        Assert.Equal("test loss became NaN", DivergenceGuard.CheckTestLoss(double.NaN));
        Assert.Null(DivergenceGuard.CheckTestLoss(40));
    }

    [Fact]
    public void NonFiniteWeightsAreNamed()
    {
        using var model = Myopia.Models.ModelRegistry.Create("smallcnn", new Myopia.Models.ModelOptions(4, 3));
        Assert.Null(DivergenceGuard.CheckWeights(model));
        var (name, parameter) = model.named_parameters().Skip(1).First();
        using (no_grad()) parameter[0].fill_(float.PositiveInfinity);
        Assert.Equal($"weights of {name} became non-finite after an optimizer step", DivergenceGuard.CheckWeights(model));
    }

    [Fact]
    public void CollapseIsReportedOnlyWhenEveryPredictionIsOneClassAndTrainingIsAtChance()
    {
        var guard = new DivergenceGuard(classes: 4);
        int[][] oneColumn = [[3, 0, 0, 0], [0, 0, 0, 0], [2, 0, 0, 0], [5, 0, 0, 0]];
        int[][] spread = [[3, 0, 0, 0], [0, 0, 0, 0], [2, 0, 0, 0], [4, 1, 0, 0]];
        EvaluationResult Result(int[][] confusion) => new("full", 10, 1.4, 0.3, 1, [1, 0, 0, 0], confusion, ["a", "b", "c", "d"], 100);

        Assert.Equal("all 10 test images are predicted as class a and training accuracy is 26.0 % (chance: 25.0 %): the network has collapsed to one class; a lower --lr may help",
            guard.CheckCollapse(Result(oneColumn), 0.26));
        Assert.Null(guard.CheckCollapse(Result(oneColumn), 0.5)); // it learns; the test set just says one thing for now
        Assert.Null(guard.CheckCollapse(Result(spread), 0.26));
    }
}
