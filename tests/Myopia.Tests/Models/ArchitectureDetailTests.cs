using Myopia.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>Details of the study's networks that a parameter count cannot see.</summary>
public class ArchitectureDetailTests
{
    [Fact]
    public void ResNet9BatchNormUsesMomentumPointNineInPyTorchConvention()
    {
        using var model = new ResNet9(10, 3);
        var bns = model.modules().OfType<BatchNorm2d>().ToList();
        Assert.Equal(8, bns.Count);
        var first = bns[0];
        model.train();
        using var x = randn(8, 3, 16, 16) * 3 + 2;
        using var _ = model.call(x);
        // running = (1 - m) * 0 + m * batch_mean with m = 0.9; the batch mean of the first BN's input
        // is the mean of the first conv's output.
        var conv = model.modules().OfType<Conv2d>().First();
        using var batchMean = MeanOfConvOutput(conv, x);
        using var expected = batchMean * 0.9;
        Assert.True(first.running_mean!.allclose(expected, rtol: 1e-3, atol: 1e-5));
    }

    private static Tensor MeanOfConvOutput(Conv2d conv, Tensor x)
    {
        using var _ = no_grad();
        using var y = conv.call(x);
        return y.mean([0, 2, 3]);
    }

    [Fact]
    public void ResNet9HasNoBiasInItsConvs()
    {
        using var model = new ResNet9(10, 3);
        var convs = model.modules().OfType<Conv2d>().ToList();
        Assert.Equal(8, convs.Count);
        Assert.All(convs, c => Assert.Null(c.bias));
    }

    [Fact]
    public void ResNet18StemIsSevenBySevenStrideOneAndConvsAreKaimingFanOut()
    {
        using var model = ResNet.ResNet18(10, 3);
        var stem = model.modules().OfType<Conv2d>().First();
        Assert.Equal(new long[] { 64, 3, 7, 7 }, stem.weight!.shape);
        using var x = randn(1, 3, 20, 20);
        model.eval();
        using (no_grad())
        using (var y = stem.call(x))
            Assert.Equal(new long[] { 1, 64, 20, 20 }, y.shape);
        // Kaiming normal, fan_out, relu: std = sqrt(2 / (out_channels * k * k)).
        var expectedStd = Math.Sqrt(2.0 / (64 * 7 * 7));
        var std = stem.weight.std().item<float>();
        Assert.InRange(std, 0.93 * expectedStd, 1.07 * expectedStd);
        Assert.All(model.modules().OfType<BatchNorm2d>(), bn =>
        {
            Assert.Equal(1f, bn.weight!.min().item<float>());
            Assert.Equal(0f, bn.bias!.abs().max().item<float>());
        });
    }

    [Fact]
    public void ResNet18DownsamplesThreeTimesWithoutMaxPool()
    {
        using var model = ResNet.ResNet18(10, 3);
        Assert.Empty(model.modules().OfType<MaxPool2d>());
        model.eval();
        using var _ = no_grad();
        using var x = randn(1, 3, 32, 32);
        using var map = model.SpatialLogits(x);
        Assert.Equal(new long[] { 1, 10, 4, 4 }, map.shape);
    }

    [Fact]
    public void VggOnThirtyTwoPixelsPoolsToOneByOneAndKeepsOddBorders()
    {
        using var model = Vgg.Vgg11(10, 3);
        model.eval();
        using var _ = no_grad();
        using var x32 = randn(1, 3, 32, 32);
        using var map32 = model.SpatialLogits(x32);
        Assert.Equal(new long[] { 1, 10, 1, 1 }, map32.shape);
        // 28 -> 14 -> 7 -> 4 -> 2 -> 1 with ceil-mode pools.
        using var x28 = randn(1, 3, 28, 28);
        using var map28 = model.SpatialLogits(x28);
        Assert.Equal(new long[] { 1, 10, 1, 1 }, map28.shape);
        using var x40 = randn(1, 3, 40, 40);
        using var map40 = model.SpatialLogits(x40);
        Assert.Equal(new long[] { 1, 10, 2, 2 }, map40.shape);
    }

    [Fact]
    public void RegistryRejectsUnknownNamesAndImpossibleShapes()
    {
        var unknown = Assert.Throws<MyopiaException>(() => ModelRegistry.Create("resnet1000", 10));
        Assert.Contains("resnet18", unknown.Message);
        Assert.Throws<MyopiaException>(() => ModelRegistry.Create("resnet18", 0));
        Assert.Throws<MyopiaException>(() => ModelRegistry.Create("resnet18", 10, 0));
    }

    [Fact]
    public void HelpTextListsEveryName()
    {
        var help = ModelRegistry.HelpText();
        Assert.All(ModelRegistry.Names, n => Assert.Contains(n, help));
        Assert.Equal(14, ModelRegistry.Names.Count);
    }
}
