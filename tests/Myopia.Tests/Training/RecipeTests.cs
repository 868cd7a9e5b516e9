using System.Text.Json.Nodes;
using Myopia.Augmentation;
using Myopia.Classifiers;
using Myopia.Evaluation;
using Myopia.Experiments;
using Myopia.IO;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Training;

/// <summary>The named recipes, and the options the airbench recipe brought: label smoothing, warmup-linear, test-time flip.</summary>
[Collection(GlobalTorchState.Name)]
public class RecipeTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-recipe-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void AirbenchRecipeSetsItsValuesWhereNoFlagWasGiven()
    {
        var options = Recipes.Apply(Recipes.Airbench, new TrainOptions { Data = "cifar10", Seed = 7 }, new HashSet<string> { "data", "seed" });
        Assert.Equal("airbench", options.Recipe);
        Assert.Equal("airbench", options.Model);
        Assert.Equal("sgd", options.Optimizer);
        Assert.True(options.Nesterov);
        Assert.Equal(11.5 / (1 + 1 / (1 - 0.85)), options.Lr, 12);
        Assert.Equal(0.0153 / 11.5, options.WeightDecay, 12);
        Assert.Equal(0.85, options.Momentum);
        Assert.Equal(1024, options.Batch);
        Assert.Equal(10, options.Epochs);
        Assert.Equal("warmup-linear", options.Schedule);
        Assert.Equal(0.2, options.LabelSmoothing);
        Assert.Equal(2, options.Pad);
        Assert.Equal(PadMode.Reflect, options.PadMode);
        Assert.True(options.Flip);
        Assert.Equal("flip", options.Tta);
        // What the recipe does not own stays as given.
        Assert.Equal("cifar10", options.Data);
        Assert.Equal(7, options.Seed);
        options.Validate();
    }

    [Fact]
    public void ExplicitFlagsOverrideTheRecipeAndTilesDropItsPadding()
    {
        var parsed = new TrainOptions { Data = "cifar10", Lr = 0.4, Epochs = 3, Tile = 16, Flip = false, LabelSmoothing = 0 };
        var options = Recipes.Apply(Recipes.Airbench, parsed, new HashSet<string> { "data", "lr", "epochs", "tile", "flip", "label_smoothing" });
        Assert.Equal(0.4, options.Lr);
        Assert.Equal(3, options.Epochs);
        Assert.False(options.Flip);
        Assert.Equal(0, options.LabelSmoothing);
        Assert.Equal(16, options.Tile);
        Assert.Equal(0, options.Pad); // a random tile is the translation
        Assert.Equal(1024, options.Batch);
        Assert.Equal("airbench", options.Model);
        options.Validate();
    }

    [Fact]
    public void PaperRecipeIsTodaysDefaultsAndOldConfigsLoadAsPaper()
    {
        var options = Recipes.Apply(Recipes.Paper, new TrainOptions(), new HashSet<string>());
        Assert.Empty(ResumeRules.Differences(options, new TrainOptions()));
        var node = JsonNode.Parse(JsonOutput.Serialize(new TrainOptions { Lr = 0.01 }))!.AsObject();
        Assert.True(node.Remove("recipe") && node.Remove("label_smoothing") && node.Remove("tta"));
        var old = JsonOutput.Deserialize<TrainOptions>(node.ToJsonString());
        Assert.Equal("paper", old.Recipe);
        Assert.Equal(0, old.LabelSmoothing);
        Assert.Equal("none", old.Tta);
        Assert.Equal(0.01, old.Lr);
    }

    [Fact]
    public void SweepPointsOfTheAirbenchRecipeTranslateFullImagesOnly()
    {
        var spec = new SweepSpec { Base = Recipes.Get(Recipes.Airbench).For(null) with { Data = "cifar10" }, Models = ["airbench"], Tiles = [16, 0], Seeds = [1] };
        spec.Validate();
        var points = spec.Points().ToList();
        Assert.Equal(0, points.Single(p => p.Options.Tile == 16).Options.Pad);
        Assert.Equal(2, points.Single(p => p.Options.Tile is null).Options.Pad);
        Assert.All(points, p => Assert.Equal("airbench", p.Options.Recipe));
    }

    [Fact]
    public void TheCliAppliesTheRecipeAndExplicitFlagsWin()
    {
        var dir = Path.Combine(root, "cli");
        var outcome = CliProcess.Run("train", "--recipe", "airbench", "--data", "synthetic:train_count=40,test_count=20", "--epochs", "1",
            "--batch", "20", "--lr", "0.3", "--tile", "12", "--threads", "1", "--out", dir);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var config = JsonOutput.Deserialize<TrainOptions>(File.ReadAllText(Path.Combine(dir, "config.json")));
        Assert.Equal("airbench", config.Recipe);
        Assert.Equal("airbench", config.Model);
        Assert.Equal(0.3, config.Lr);
        Assert.Equal(20, config.Batch);
        Assert.Equal(1, config.Epochs);
        Assert.Equal(0.2, config.LabelSmoothing);
        Assert.Equal("flip", config.Tta);
        Assert.Equal(0, config.Pad);
        Assert.Equal(Recipes.AirbenchMomentum, config.Momentum);
        Assert.Equal("airbench", Checkpoint.ReadInfo(Path.Combine(dir, Checkpoint.FileName)).Options.Recipe);
    }

    /// <summary>PyTorch's formula: (1 − ε)·NLL(y) + ε·mean over the K classes of −log p_k.</summary>
    [Fact]
    public void LabelSmoothingChangesTheLossAsPyTorchsFormulaSays()
    {
        using var scope = NewDisposeScope();
        var logits = randn(6, 5, generator: new Generator(2));
        var labels = tensor(new long[] { 0, 4, 2, 2, 1, 3 });
        const double epsilon = 0.2;
        var logp = nn.functional.log_softmax(logits, 1);
        var nll = -logp.gather(1, labels.unsqueeze(1)).squeeze(1);
        var uniform = -logp.mean([1]);
        var expected = ((1 - epsilon) * nll + epsilon * uniform).mean().item<float>();
        var smoothed = nn.functional.cross_entropy(logits, labels, label_smoothing: epsilon).item<float>();
        var plain = nn.functional.cross_entropy(logits, labels).item<float>();
        Assert.Equal(expected, smoothed, 5);
        Assert.Equal(nll.mean().item<float>(), plain, 5);
        Assert.NotEqual(plain, smoothed, 3);
    }

    [Theory]
    [InlineData(0, 0.0, 0.2)]         // start: 0.2·lr
    [InlineData(1, 0.15, 0.6)]        // progress 0.115, half the warmup: 0.2 + 0.8·0.5
    [InlineData(2, 0.3, 1.0)]         // progress 0.23: the peak
    [InlineData(6, 0.15, 0.535)]      // progress 0.615: half the decay, (1 + 0.07) / 2
    [InlineData(9, 1.0, 0.07)]        // the end: 0.07·lr
    public void WarmupLinearRisesFor23PercentThenFallsTo7Percent(int epoch, double fraction, double factor)
    {
        var schedule = new LearningRateSchedule(new TrainOptions { Schedule = "warmup-linear", Lr = 2, Epochs = 10 });
        Assert.Equal(2 * factor, schedule.At(epoch, fraction), 9);
    }

    [Fact]
    public void TestTimeFlipGivesTheMeanOfTheLogitsOfTheImageAndItsMirror()
    {
        using var data = TinyData.Quadrants(train: 8, test: 20);
        using var model = new AirbenchNet(4);
        model.eval();
        using var classifier = Classifier.FromModule(model, data.Normalization, data.Test.ClassNames, 16, 16);
        var flipped = new FullImageEvaluator(classifier, new FullImageOptions(8, KeepPredictions: true) { TestTimeFlip = true }).Run(data.Test);
        var plain = new FullImageEvaluator(classifier, new FullImageOptions(8, KeepPredictions: true)).Run(data.Test);

        using var scope = NewDisposeScope();
        using var normalizer = new Normalizer(data.Normalization);
        using var noGrad = no_grad();
        var x = normalizer.FromBytes(data.Test.Images);
        var expected = ((model.call(x) + model.call(x.flip(3))) / 2).contiguous().data<float>().ToArray();
        var own = model.call(x).contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, flipped.Predictions!.Logits.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], flipped.Predictions.Logits[i], 4);
            Assert.Equal(own[i], plain.Predictions!.Logits[i], 4);
        }
        Assert.False(expected.Zip(own).All(p => Math.Abs(p.First - p.Second) < 1e-4), "the mirror should change some logits");
    }

    private static TrainOptions Airbench(int epochs) =>
        Recipes.Apply(Recipes.Airbench, new TrainOptions { Data = "tiny", Epochs = epochs, Batch = 16, Seed = 3, EvalBatch = 32 },
            new HashSet<string> { "data", "epochs", "batch" });

    private sealed class CancelAfter(int batches, CancellationTokenSource source) : ITrainingObserver
    {
        private int seen;
        public void BatchFinished(int epoch, long batch, long total, long images, double loss)
        {
            if (++seen == batches) source.Cancel();
        }
    }

    [Fact]
    public void AnAirbenchRunInitialisesItsWhiteningFromTheDataAndResumesExactly()
    {
        using var data = TinyData.Quadrants();
        var straight = new Trainer(Airbench(2), data, Path.Combine(root, "straight")).Run();

        var dir = Path.Combine(root, "resumed");
        using var cts = new CancellationTokenSource();
        var first = new Trainer(Airbench(2), data, dir, new CancelAfter(9, cts)).Run(cancel: cts.Token);
        Assert.True(first.Interrupted);
        var resumed = new Trainer(Airbench(2), data, dir).Run(resume: true);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(straight.History[e].TrainLoss, resumed.History[e].TrainLoss, 6);
            Assert.Equal(straight.History[e].TestLoss, resumed.History[e].TestLoss, 6);
        }

        // The checkpoint's whitening weights are those computed from the run's images, not a random init.
        using var model = new AirbenchNet(4);
        using var fresh = model.WhiteningWeight.clone();
        Checkpoint.Load(Path.Combine(dir, Checkpoint.FileName), into: model);
        using var expected = new AirbenchNet(4);
        using var normalizer = new Normalizer(data.Normalization);
        DataInitialization.Run(expected, data.Train, Airbench(2), normalizer, CPU);
        Assert.True(model.WhiteningWeight.allclose(expected.WhiteningWeight, rtol: 1e-5, atol: 1e-6));
        Assert.False(model.WhiteningWeight.allclose(fresh));
    }
}
