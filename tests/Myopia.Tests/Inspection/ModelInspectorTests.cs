using Myopia.Inspection;
using Myopia.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Tests.Inspection;

/// <summary>
/// <c>model inspect</c>'s figures: totals as the registry counts them, and receptive fields that are
/// checked against the input pixels one output position actually depends on.
/// </summary>
public class ModelInspectorTests
{
    private static readonly ImageShape Cifar = new(3, 32, 32);

    [Fact]
    public void ResNet18TotalsMatchTheRegistryAndTheLastLayerGivesTheLogits()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        var summary = ModelInspector.Inspect(model, Cifar);
        Assert.Equal(ModelRegistry.ParameterCount(model), summary.Parameters);
        Assert.Equal(summary.Parameters, summary.TrainableParameters);
        Assert.Equal(summary.Parameters, summary.Layers.Sum(l => l.Parameters));
        Assert.Equal(model.buffers().Sum(b => b.numel()), summary.BufferElements);
        Assert.True(summary.BufferElements > 0);
        Assert.Equal(new long[] { 1, 3, 32, 32 }, summary.InputShape);
        Assert.Equal(new long[] { 1, 10 }, summary.OutputShape);
        Assert.Equal(new long[] { 1, 10 }, summary.Layers[^1].OutputShape);
        Assert.Null(summary.Layers[^1].Stride);
    }

    [Fact]
    public void LayersAreNamedAsTheRecorderNamesThem()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        var summary = ModelInspector.Inspect(model, Cifar);
        model.eval();
        using var _ = no_grad();
        using var recorder = new ActivationRecorder(model, LayerSelection.AllLeaves, Recording.ImageNorm);
        using var x = zeros(1, 3, 32, 32);
        using var recorded = recorder.Record(x);
        Assert.Equal(recorder.Layers.Select(l => l.Path), summary.Layers.Select(l => l.Name));
        Assert.Equal(recorder.Layers.Select(l => l.Type), summary.Layers.Select(l => l.Type));
        Assert.Equal(recorder.Layers.Select(l => l.Shape[1..]), summary.Layers.Select(l => l.OutputShape[1..]));
    }

    [Fact]
    public void InspectionLeavesTheModelAsItWas()
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        model.train();
        var bn = model.modules().OfType<BatchNorm2d>().First();
        using var meanBefore = bn.running_mean!.clone();
        ModelInspector.Inspect(model, Cifar);
        Assert.True(model.training);
        Assert.True(bn.running_mean!.Equals(meanBefore));
    }

    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("resnet9")]
    [InlineData("vgg11bn")]
    [InlineData("lenet")]
    public void ReceptiveFieldNeverShrinksAlongTheMainPath(string name)
    {
        using var model = ModelRegistry.Create(name, 10);
        var side = ModelRegistry.Info(name).DefaultInputSide;
        var main = ModelInspector.Inspect(model, new ImageShape(3, side, side)).Layers.Where(l => !l.Shortcut).ToList();
        Assert.All(main.Zip(main.Skip(1)), p => Assert.True(p.Second.ReceptiveField >= p.First.ReceptiveField,
            $"{p.Second.Name} ({p.Second.ReceptiveField}) after {p.First.Name} ({p.First.ReceptiveField})"));
        Assert.All(main.Zip(main.Skip(1)).Where(p => p.Second.Stride is not null),
            p => Assert.True(p.Second.Stride >= p.First.Stride));
    }

    /// <summary>
    /// The field of the last spatial map is the one each architecture declares for its per-position logits
    /// (a global adaptive pool, should a model use one, pools those positions and is not counted).
    /// </summary>
    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    [InlineData("vgg16bn")]
    public void LastSpatialLayerHasTheDeclaredField(string name)
    {
        using var model = ModelRegistry.Create(name, 10);
        var summary = ModelInspector.Inspect(model, Cifar);
        var last = summary.Layers.Last(l => l.Stride is not null && !l.Shortcut && !l.Type.StartsWith("Adaptive"));
        Assert.Equal(((ISpatialClassifier)model).ReceptiveField, last.ReceptiveField);
    }

    [Fact]
    public void ResNetShortcutsAreMarkedAndDoNotWidenTheField()
    {
        using var model = ModelRegistry.Create("resnet18", 10);
        var layers = ModelInspector.Inspect(model, Cifar).Layers;
        var shortcuts = layers.Where(l => l.Shortcut).ToList();
        Assert.Equal(6, shortcuts.Count); // conv + BN in each of the three projecting blocks
        foreach (var s in shortcuts)
        {
            var before = layers.TakeWhile(l => l != s).Last(l => !l.Shortcut);
            Assert.True(s.ReceptiveField < before.ReceptiveField);
            Assert.Equal(before.Stride, s.Stride);
        }
    }

    [Fact]
    public void BadInputSizeIsAOneLineError()
    {
        using var model = ModelRegistry.Create("smallcnn", 10);
        var error = Assert.Throws<MyopiaException>(() => ModelInspector.Inspect(model, new ImageShape(5, 32, 32)));
        Assert.Contains("5x32x32", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Theory]
    [InlineData("3x32x32", 3, 32, 32)]
    [InlineData(" 1X28x28 ", 1, 28, 28)]
    public void InputShapesParse(string text, int c, int h, int w) => Assert.Equal(new ImageShape(c, h, w), ImageShape.Parse(text));

    [Theory]
    [InlineData("3x0x32")]
    [InlineData("abc")]
    [InlineData("3x32")]
    [InlineData("3x32x32x1")]
    [InlineData("3x-1x32")]
    public void BadInputShapesAreRejected(string text) =>
        Assert.Contains(text, Assert.Throws<MyopiaException>(() => ImageShape.Parse(text)).Message);

    // ---- Empirical check: the input pixels one output position depends on are exactly the predicted field.

    [Fact]
    public void SmallCnnFieldsMatchTheGradient() => AssertFieldsMatchTheGradient(ModelRegistry.Create("smallcnn", 10), Cifar, batch: 48, dense: false);

    [Fact]
    public void ResNet18FieldsMatchTheGradient() => AssertFieldsMatchTheGradient(ModelRegistry.Create("resnet18", 10), Cifar, batch: 1, dense: true);

    [Fact]
    public void StridedDilatedAndBlurPooledFieldsMatchTheGradient()
    {
        var model = nn.Sequential(
            nn.Conv2d(3, 4, 3, stride: 2, padding: 1),
            nn.ReLU(),
            nn.Conv2d(4, 4, 3, padding: 2, dilation: 2),
            nn.ReLU(),
            nn.Conv2d(4, 4, 5, stride: 2, padding: 2),
            new TestBlurPool(4),
            nn.AvgPool2d(3, stride: 1, padding: 1),
            nn.Conv2d(4, 4, 1));
        var layers = AssertFieldsMatchTheGradient(model, new ImageShape(3, 64, 64), batch: 1, dense: false);
        Assert.Equal([3, 3, 11, 11, 19, 27, 43, 43], layers.Select(l => l.ReceptiveField));
        Assert.Equal([2, 2, 2, 2, 4, 8, 8, 8], layers.Select(l => l.Stride!.Value));
        Assert.DoesNotContain(layers, l => l.Shortcut);
    }

    /// <summary>
    /// torchvision's layout (conv1/bn1/relu stem, one ReLU module called twice per block, a projection
    /// named downsample called after bn2), the one the registry's ResNets move to: the second ReLU call
    /// gets its own row, the downsample path is a shortcut, and the fields match the gradient.
    /// </summary>
    [Fact]
    public void TorchvisionLayoutFieldsMatchTheGradient()
    {
        var layers = AssertFieldsMatchTheGradient(new TorchvisionStyleNet(), Cifar, batch: 1, dense: true);
        Assert.Equal(["conv1", "bn1", "relu", "layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu", "layer1.0.conv2", "layer1.0.bn2", "layer1.0.relu#2",
                      "layer2.0.conv1", "layer2.0.bn1", "layer2.0.relu", "layer2.0.conv2", "layer2.0.bn2", "layer2.0.downsample.0", "layer2.0.downsample.1",
                      "layer2.0.relu#2", "fc"], layers.Select(l => l.Name));
        Assert.Equal(["layer2.0.downsample.0", "layer2.0.downsample.1"], layers.Where(l => l.Shortcut).Select(l => l.Name));
        Assert.Equal([3, 3, 3, 5, 5, 5, 7, 7, 7, 9, 9, 9, 13, 13, 7, 7, 13], layers.Where(l => l.Stride is not null).Select(l => l.ReceptiveField));
    }

    /// <summary>
    /// For every layer with a spatial output, the input pixels with a non-zero gradient of the output's
    /// centre position are exactly the predicted field (clipped to the image). Weights are made positive
    /// (each conv averages its window) and BN is in eval with its initial statistics, so every ReLU passes
    /// and no contribution cancels. A max-pool passes the gradient to one element of its window, so a
    /// network with max-pools is probed with a batch of random positive images as well, whose union
    /// covers every window's extent. When <paramref name="dense"/>, every pixel of the field is reached
    /// too; a dilated conv's field has holes, and a max-pool's union may miss an inner pixel.
    /// </summary>
    private static IReadOnlyList<LayerSummary> AssertFieldsMatchTheGradient(nn.Module<Tensor, Tensor> model, ImageShape input, int batch, bool dense)
    {
        using var _ = model;
        MakeWeightsPositive(model);
        var summary = ModelInspector.Inspect(model, input);
        model.eval();
        var byPath = model.named_modules().ToDictionary(m => m.name, m => m.module);
        using var generator = new Generator(7);
        var spatial = summary.Layers.Where(l => l.Stride is not null).ToList();
        Assert.NotEmpty(spatial);
        foreach (var layer in spatial.Where(l => !l.Name.Contains('#')))
        {
            using var scope = NewDisposeScope();
            var (rowCentre, colCentre) = (layer.OutputShape[2] / 2, layer.OutputShape[3] / 2);
            Tensor? centre = null;
            var hook = ((nn.Module<Tensor, Tensor>)byPath[layer.Name]).register_forward_hook((_, _, output) =>
            {
                centre ??= output.select(2, rowCentre).select(2, colCentre).sum();
                return null!;
            });
            var images = cat([ones(1, input.Channels, input.Height, input.Width),
                rand([batch - 1, input.Channels, input.Height, input.Width], generator: generator) + 0.5], 0).requires_grad_(true);
            model.call(images);
            hook.remove();
            centre!.backward();
            var touched = images.grad!.abs().sum([0, 1]).gt(0);
            var rows = touched.any(1).nonzero();
            var cols = touched.any(0).nonzero();
            var predictedRows = new FieldGeometry(layer.ReceptiveField, layer.Stride!.Value, layer.FieldStart, null).RowsSeenBy(rowCentre, input.Height);
            var predictedCols = new FieldGeometry(layer.ReceptiveField, layer.Stride!.Value, layer.FieldStart, null).RowsSeenBy(colCentre, input.Width);
            Assert.True(predictedRows == (rows.min().item<long>(), rows.max().item<long>()),
                $"{layer.Name}: predicted rows {predictedRows}, gradient reaches {rows.min().item<long>()}..{rows.max().item<long>()}");
            Assert.True(predictedCols == (cols.min().item<long>(), cols.max().item<long>()),
                $"{layer.Name}: predicted columns {predictedCols}, gradient reaches {cols.min().item<long>()}..{cols.max().item<long>()}");
            if (dense) Assert.Equal((predictedRows.Last - predictedRows.First + 1) * (predictedCols.Last - predictedCols.First + 1), touched.sum().item<long>());
        }
        return summary.Layers;
    }

    private static void MakeWeightsPositive(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    conv.weight!.fill_(1.0 / (conv.weight.shape[1] * conv.weight.shape[2] * conv.weight.shape[3]));
                    conv.bias?.zero_();
                    break;
                case Linear linear:
                    linear.weight!.fill_(1.0 / linear.weight.shape[1]);
                    linear.bias?.zero_();
                    break;
            }
        }
    }

    /// <summary>
    /// An anti-aliasing pool as the models' BlurPool will be: a fixed 3x3 binomial blur per channel with
    /// stride 2, computed functionally, so only <see cref="IHasSpatialFootprint"/> tells the inspector its window.
    /// </summary>
    private sealed class TestBlurPool : nn.Module<Tensor, Tensor>, IHasSpatialFootprint
    {
        private readonly long channels;

        public TestBlurPool(long channels) : base("test_blur_pool")
        {
            this.channels = channels;
            using var taps = tensor(new float[] { 1, 2, 1 });
            using var outer = taps.outer(taps) / 16;
            register_buffer("filter", outer.expand(channels, 1, 3, 3).contiguous());
        }

        public int Kernel => 3;
        public int Stride => 2;

        public override Tensor forward(Tensor x) =>
            nn.functional.conv2d(x, get_buffer("filter")!, strides: [2, 2], padding: [1, 1], groups: channels);
    }

    private sealed class TorchvisionStyleBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly ReLU relu = nn.ReLU(inplace: true);
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? downsample;

        public TorchvisionStyleBlock(int cin, int cout, int stride) : base("torchvision_block")
        {
            conv1 = nn.Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(cout);
            conv2 = nn.Conv2d(cout, cout, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(cout);
            if (stride != 1 || cin != cout)
                downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride: stride, bias: false), nn.BatchNorm2d(cout));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var c1 = conv1.call(x);
            using var b1 = bn1.call(c1);
            using var r1 = relu.call(b1);
            using var c2 = conv2.call(r1);
            using var b2 = bn2.call(c2);
            using var identity = downsample is null ? x.alias() : downsample.call(x);
            using var sum = b2 + identity;
            return relu.call(sum);
        }
    }

    private sealed class TorchvisionStyleNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = nn.Conv2d(3, 8, 3, padding: 1, bias: false);
        private readonly BatchNorm2d bn1 = nn.BatchNorm2d(8);
        private readonly ReLU relu = nn.ReLU(inplace: true);
        private readonly Sequential layer1 = nn.Sequential(new TorchvisionStyleBlock(8, 8, 1));
        private readonly Sequential layer2 = nn.Sequential(new TorchvisionStyleBlock(8, 16, 2));
        private readonly Linear fc = nn.Linear(16, 10);

        public TorchvisionStyleNet() : base("torchvision_style")
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var c = conv1.call(x);
            using var b = bn1.call(c);
            using var r = relu.call(b);
            using var l1 = layer1.call(r);
            using var l2 = layer2.call(l1);
            using var pooled = l2.mean([2, 3]);
            return fc.call(pooled);
        }
    }
}
