using Myopia.Augmentation;
using Myopia.Classifiers;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Training;

/// <summary>Noise-corrupted training (Petrini et al. §5a): noise of norm about std on training batches, on the test images of the run, and kept by its checkpoint.</summary>
[Collection(GlobalTorchState.Name)]
public class InputNoiseTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-noise-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void TrainingBatchesCarryNoiseOfTheChosenNorm()
    {
        using var data = TinyData.Quadrants(train: 64, size: 16);
        using var normalizer = new Normalizer(data.Normalization);
        var plan = EpochPlan.Create(data.Train.Count, 16, 16, new AugmentationOptions(Flip: false), seed: 1, epoch: 0);
        var (clean, _) = new BatchAugmenter(new AugmentationOptions(Flip: false), normalizer).Batch(data.Train, plan, 0, 64);
        manual_seed(3);
        var (noisy, _) = new BatchAugmenter(new AugmentationOptions(Flip: false, InputNoise: 10), normalizer).Batch(data.Train, plan, 0, 64);
        var norms = (noisy - clean).flatten(1).norm(1);
        // std·g/√d with g ~ N(0, I_d), d = 768: the norm is 10 within a few percent.
        Assert.InRange(norms.mean().item<float>(), 9.7f, 10.3f);
        Assert.True(norms.std().item<float>() < 0.6f);
    }

    [Fact]
    public void ARunsCheckpointCorruptsEveryLaterAnalysisTheSameWay()
    {
        using var data = TinyData.Quadrants(train: 64, test: 24, size: 16);
        var dir = Path.Combine(root, "noisy");
        var options = new TrainOptions
        {
            Data = "tiny", Model = "smallcnn", Epochs = 1, Batch = 16, Seed = 5, EvalBatch = 32, Flip = false, InputNoise = 3,
            Precision = "fp32", MemoryFormat = "contiguous",
        };
        new Trainer(options, data, dir).Run();
        using var classifier = ClassifierLoader.Load(dir, new ClassifierOptions());
        Assert.Equal(3, classifier.Preprocessing.InputNoise);
        using var first = classifier.Normalize(data.Test.Images);
        using var second = classifier.Normalize(data.Test.Images);
        using var reference = new Normalizer(data.Normalization).FromBytes(data.Test.Images);
        Assert.InRange((first - reference).flatten(1).norm(1).mean().item<float>(), 2.7f, 3.3f);
        Assert.True((first - second).abs().max().item<float>() > 0, "fresh noise on every pass");
        // A new classifier draws the same sequence: analyses repeat exactly.
        using var again = ClassifierLoader.Load(dir, new ClassifierOptions());
        using var repeat = again.Normalize(data.Test.Images);
        Assert.Equal(0, (repeat - first).abs().max().item<float>());
        Assert.Contains("\"input_noise\": 3", File.ReadAllText(Path.Combine(dir, "config.json")));
    }
}
