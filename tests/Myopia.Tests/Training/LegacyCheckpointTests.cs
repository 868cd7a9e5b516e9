using Myopia.Data;
using Myopia.Models;
using Myopia.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Training;

/// <summary>
/// Checkpoints of format 1 stored resnet18/34 and the VGGs under their old parameter names; they load
/// into the torchvision-named networks and give the same logits.
/// </summary>
public class LegacyCheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("myopia-legacy-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void FormatOneResNet18LoadsWithEqualLogits()
    {
        using var old = new OldResNet18(10);
        AssertLoadsWithEqualLogits(old, "resnet18", side: 16);
    }

    [Fact]
    public void FormatOneVgg11BnLoadsWithEqualLogits()
    {
        using var old = new OldVgg11Bn(10);
        AssertLoadsWithEqualLogits(old, "vgg11bn", side: 32);
    }

    [Fact]
    public void NewCheckpointsAreFormatTwoAndRoundTrip()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelOptions(10, Stem: Stem.Cifar, Antialias: 3));
        Randomize(model);
        var path = Path.Combine(folder, "new.pt");
        Checkpoint.Save(path, Info("resnet18") with { Stem = Stem.Cifar, Antialias = 3 }, model, optimizer: null);
        var (info, loaded) = Checkpoint.Load(path);
        using var _ = loaded;
        Assert.Equal(2, info.FormatVersion);
        Assert.Equal(new ModelOptions(10, 3, Stem.Cifar, 3), info.ToModelOptions());
        AssertSameLogits(model, loaded, 16);
    }

    [Fact]
    public void ForeignNamesInAFormatTwoFileAreRefusedClearly()
    {
        using var old = new OldResNet18(10);
        var path = Path.Combine(folder, "mislabelled.pt");
        Checkpoint.Save(path, Info("resnet18"), old, optimizer: null);
        var error = Assert.Throws<MyopiaException>(() => Checkpoint.Load(path));
        Assert.Contains("does not fit the model", error.Message);
        Assert.Contains("missing", error.Message);
    }

    private void AssertLoadsWithEqualLogits(Module<Tensor, Tensor> old, string architecture, int side)
    {
        Randomize(old);
        var path = Path.Combine(folder, architecture + ".pt");
        Checkpoint.Save(path, Info(architecture) with { FormatVersion = 1 }, old, optimizer: null);
        var (_, loaded) = Checkpoint.Load(path);
        using var __ = loaded;
        AssertSameLogits(old, loaded, side);
    }

    private static void AssertSameLogits(Module<Tensor, Tensor> expected, Module<Tensor, Tensor> actual, int side)
    {
        expected.eval();
        actual.eval();
        using var _ = no_grad();
        using var x = randn(2, 3, side, side);
        using var a = expected.call(x);
        using var b = actual.call(x);
        Assert.True(a.abs().max().item<float>() > 0);
        Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-5), $"logits differ by {(a - b).abs().max().item<float>()}");
    }

    /// <summary>Non-trivial batch-norm statistics and biases, so a mis-assigned tensor changes the logits.</summary>
    private static void Randomize(Module model)
    {
        using var _ = no_grad();
        foreach (var (name, t) in model.state_dict())
        {
            if (name.EndsWith("running_mean") || name.EndsWith(".bias")) t.copy_(randn_like(t) * 0.1);
            else if (name.EndsWith("running_var")) t.copy_(rand_like(t) + 0.5);
            else if (name.EndsWith("num_batches_tracked")) t.fill_(7);
        }
    }

    private static CheckpointInfo Info(string model) => new()
    {
        Model = model,
        Classes = 10,
        Channels = 3,
        ImageHeight = 32,
        ImageWidth = 32,
        ClassNames = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray(),
        Normalization = Normalization.Identity(3),
        Dataset = "synthetic",
        Options = new TrainOptions(),
    };

    // The networks as Myopia wrote them before the torchvision names (format 1), field for field.

    private sealed class OldResNet18 : Module<Tensor, Tensor>
    {
        private readonly Sequential stem;
        private readonly Sequential stages;
        private readonly Linear head;

        public OldResNet18(int classes) : base("resnet18")
        {
            stem = Sequential(Conv2d(3, 64, 7, stride: 1, padding: 3, bias: false), BatchNorm2d(64), ReLU(inplace: true));
            var blocks = new List<Module<Tensor, Tensor>>();
            var cin = 64;
            foreach (var (width, stride) in new[] { (64, 1), (128, 2), (256, 2), (512, 2) })
            {
                blocks.Add(new OldBasicBlock(cin, width, stride));
                blocks.Add(new OldBasicBlock(width, width, 1));
                cin = width;
            }
            stages = Sequential(blocks);
            head = Linear(cin, classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var s = stem.call(x);
            using var f = stages.call(s);
            using var pooled = f.mean([2, 3]);
            return head.call(pooled);
        }
    }

    private sealed class OldBasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? shortcut;

        public OldBasicBlock(int cin, int cout, int stride) : base("basic_block")
        {
            conv1 = Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
            bn1 = BatchNorm2d(cout);
            conv2 = Conv2d(cout, cout, 3, padding: 1, bias: false);
            bn2 = BatchNorm2d(cout);
            if (stride != 1 || cin != cout)
                shortcut = Sequential(Conv2d(cin, cout, 1, stride: stride, bias: false), BatchNorm2d(cout));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var c1 = conv1.call(x);
            using var b1 = bn1.call(c1);
            using var r1 = functional.relu(b1);
            using var c2 = conv2.call(r1);
            using var b2 = bn2.call(c2);
            using var projected = shortcut is null ? x.alias() : shortcut.call(x);
            using var sum = b2 + projected;
            return functional.relu(sum);
        }
    }

    private sealed class OldVgg11Bn : Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly Linear head;

        public OldVgg11Bn(int classes) : base("vgg11bn")
        {
            var layers = new List<Module<Tensor, Tensor>>();
            var cin = 3;
            foreach (var width in new[] { 64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0 })
            {
                if (width == 0)
                {
                    layers.Add(MaxPool2d(2, stride: 2, ceil_mode: true));
                    continue;
                }
                layers.Add(Conv2d(cin, width, 3, padding: 1));
                layers.Add(BatchNorm2d(width));
                layers.Add(ReLU(inplace: true));
                cin = width;
            }
            features = Sequential(layers);
            head = Linear(cin, classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var f = features.call(x);
            using var pooled = f.mean([2, 3]);
            return head.call(pooled);
        }
    }
}
