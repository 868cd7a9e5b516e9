using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Training;

[Collection(GlobalTorchState.Name)]
public class TrainerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-trainer-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static TrainOptions Options(int epochs) => new()
    {
        Data = "tiny", Model = "smallcnn", Tile = 12, Epochs = epochs, Batch = 16, Seed = 5,
        Schedule = "cosine", EvalBatch = 32, Flip = false, // a flip would swap the left and right quadrant classes
    };

    private sealed class CancelAfter(int batches, CancellationTokenSource source) : ITrainingObserver
    {
        private int seen;
        public void BatchFinished(int epoch, long batch, long total, long images, double loss)
        {
            if (++seen == batches) source.Cancel();
        }
    }

    [Fact]
    public void InterruptedAndResumedRunEndsWithTheSameMetricsAsAnUninterruptedOne()
    {
        using var data = TinyData.Quadrants();
        var straight = new Trainer(Options(2), data, Path.Combine(root, "straight")).Run();

        var dir = Path.Combine(root, "resumed");
        using var cts = new CancellationTokenSource();
        var first = new Trainer(Options(2), data, dir, new CancelAfter(9, cts)).Run(cancel: cts.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(1, first.CompletedEpochs); // 6 batches an epoch: stopped inside epoch 2
        var resumed = new Trainer(Options(2), data, dir).Run(resume: true);

        Assert.False(resumed.Interrupted);
        Assert.Equal(2, resumed.History.Count);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(straight.History[e].TrainLoss, resumed.History[e].TrainLoss, 6);
            Assert.Equal(straight.History[e].TestLoss, resumed.History[e].TestLoss, 6);
            Assert.Equal(straight.History[e].TestAcc, resumed.History[e].TestAcc, 6);
        }
        Assert.True(File.Exists(Path.Combine(dir, "metrics.csv")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
    }

    [Fact]
    public void SameSeedAndConfigGiveTheSameMetricsAndTheModelLearns()
    {
        using var data = TinyData.Quadrants();
        var a = new Trainer(Options(4) with { Tile = null }, data, Path.Combine(root, "a")).Run();
        var b = new Trainer(Options(4) with { Tile = null }, data, Path.Combine(root, "b")).Run();
        Assert.Equal(a.Final!.TestLoss, b.Final!.TestLoss, 6);
        Assert.True(a.Final.TestAcc > 0.5, $"test accuracy {a.Final.TestAcc} after 4 epochs on an easy task");
    }

    [Fact]
    public void NanLossStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint()
    {
        using var data = TinyData.Quadrants();
        var dir = Path.Combine(root, "nan");
        new Trainer(Options(1), data, dir).Run();
        var before = File.ReadAllBytes(Path.Combine(dir, Checkpoint.FileName));
        var e = Assert.Throws<MyopiaException>(() => new Trainer(Options(2) with { Lr = 1e30 }, data, dir).Run(resume: false));
        Assert.Contains("loss became", e.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, Checkpoint.FileName)));
    }

    [Fact]
    public void TileLargerThanTheImagesIsRejected()
    {
        using var data = TinyData.Quadrants();
        var e = Assert.Throws<MyopiaException>(() => new Trainer(Options(1) with { Tile = 40 }, data, Path.Combine(root, "big")));
        Assert.Contains("larger than", e.Message);
    }

    [Fact]
    public void CheckpointCarriesEverythingNeededToUseTheModelAgain()
    {
        using var data = TinyData.Quadrants();
        var dir = Path.Combine(root, "ck");
        new Trainer(Options(1), data, dir).Run();
        var (info, model) = Checkpoint.Load(dir);
        using (model)
        {
            Assert.Equal("smallcnn", info.Model);
            Assert.Equal(12, info.Tile);
            Assert.Equal(4, info.Classes);
            Assert.Equal(data.Normalization.Mean, info.Normalization.Mean);
            Assert.Equal(1, info.CompletedEpochs);
        }
    }

    [Fact]
    public void TruncatedCheckpointIsRejected()
    {
        using var data = TinyData.Quadrants();
        var dir = Path.Combine(root, "trunc");
        new Trainer(Options(1), data, dir).Run();
        var path = Path.Combine(dir, Checkpoint.FileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<MyopiaException>(() => Checkpoint.Load(path));
    }
}

[Collection(GlobalTorchState.Name)]
public class CheckpointCorruptionTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-ck-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void AFlippedByteInTheWeightsIsDetected()
    {
        using var data = TinyData.Quadrants(train: 32, test: 16);
        new Trainer(new TrainOptions { Model = "smallcnn", Epochs = 1, Batch = 16 }, data, root).Run();
        var path = Path.Combine(root, Checkpoint.FileName);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length * 2 / 3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<MyopiaException>(() => Checkpoint.Load(path));
        Assert.Contains("corrupt", e.Message);
    }
}
