using Myopia.Data;
using Myopia.Data.Synthetic;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Training;

/// <summary>The hinge loss: its formula on the logit difference, its plumbing (options, recipe, config), and its refusal of k ≠ 2.</summary>
public class HingeLossTests
{
    [Fact]
    public void LossIsTheMeanHingeOnTheDifferenceOfTheTwoLogits()
    {
        using var logits = tensor(new float[] { 0f, 3f, 1f, 0.5f, 2f, -1f, 0f, 0f }, [4, 2]);
        using var labels = tensor(new long[] { 1, 1, 0, 0 });
        // o = z1 − z0: 3, −0.5, −3, 0; y = +1, +1, −1, −1: relu(1 − y·o) = 0, 1.5, 0, 1.
        using var loss = HingeLoss.Compute(logits, labels);
        Assert.Equal(2.5 / 4, loss.item<float>(), 6);
        // The same as a one-output net's hinge on o.
        using var o = logits.select(1, 1) - logits.select(1, 0);
        using var y = labels.to_type(ScalarType.Float32) * 2 - 1;
        Assert.Equal(nn.functional.relu(1 - y * o).mean().item<float>(), loss.item<float>(), 6);
    }

    [Fact]
    public void GradientFlowsToBothLogitsWithOppositeSigns()
    {
        using var logits = tensor(new float[] { 0f, 0f }, [1, 2], requires_grad: true);
        using var labels = tensor(new long[] { 1 });
        HingeLoss.Compute(logits, labels).backward();
        var grad = logits.grad!.data<float>().ToArray();
        Assert.Equal([1f, -1f], grad);
    }

    [Fact]
    public void OptionIsValidatedRecordedAndSetByRecipes()
    {
        Assert.Equal("cross-entropy", new TrainOptions().Loss);
        Assert.Contains("--loss", Assert.Throws<MyopiaException>(() => new TrainOptions { Loss = "mse" }.Validate()).Message);
        Assert.Contains("loss", Recipes.Keys);
        var options = Recipes.Apply(Recipes.Petrini, new TrainOptions { Loss = "hinge" }, new HashSet<string> { "loss" });
        Assert.Equal("hinge", options.Loss);
        Assert.Equal("cross-entropy", Recipes.Apply(Recipes.Petrini, new TrainOptions { Loss = "hinge" }, new HashSet<string>()).Loss);
        Assert.Contains("\"loss\": \"hinge\"", Myopia.IO.JsonOutput.Serialize(options));
        Assert.Contains("loss", ResumeRules.Differences(options, options with { Loss = "cross-entropy" }));
    }

    [Fact]
    public void TrainerRefusesHingeForTenClasses()
    {
        using var splits = SyntheticDataset.Generate(new SyntheticOptions(TrainCount: 20, TestCount: 10));
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-hinge-{Guid.NewGuid():N}");
        var e = Assert.Throws<MyopiaException>(() => new Trainer(new TrainOptions { Loss = "hinge", Epochs = 1 }, splits, dir));
        Assert.Contains("two-class", e.Message);
    }

    [Fact]
    public void CliRefusesHingeOnTenClassesWithOneErrorLine()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-hinge-cli-{Guid.NewGuid():N}");
        try
        {
            var o = CliProcess.Run("train", "--data", "synthetic:train_count=20,test_count=10", "--loss", "hinge", "--epochs", "1", "--out", dir);
            Assert.Equal(2, o.ExitCode);
            var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, l => l.StartsWith("error: "));
            Assert.Contains("two-class", lines[^1]);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void HingeTrainingOnTwoPointsWritesTheLossInConfig()
    {
        using var splits = TwoPointsDataset.Generate(new TwoPointsOptions(TrainCount: 32));
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-hinge-train-{Guid.NewGuid():N}");
        try
        {
            var options = new TrainOptions { Data = "twopoints:train=32", Model = "smallcnn", Loss = "hinge", Optimizer = "sgd", Lr = 0.01, Epochs = 1, Batch = 16, Flip = false };
            var result = new Trainer(options, splits, dir).Run();
            Assert.Equal(1, result.CompletedEpochs);
            Assert.True(double.IsFinite(result.History[0].TrainLoss));
            Assert.Contains("\"loss\": \"hinge\"", File.ReadAllText(Path.Combine(dir, "config.json")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
