using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

public class ModelRegistryTests
{
    // Reference counts printed by PyTorch for the same definitions (shared/peers/torch_reference.py, 10 classes).
    [Theory]
    [InlineData("resnet18", 11_181_642)]
    [InlineData("resnet9", 2_447_946)]
    public void ParameterCountsEqualPyTorchs(string name, long expected)
    {
        using var model = ModelRegistry.Create(name, 10);
        Assert.Equal(expected, ModelRegistry.ParameterCount(model));
    }

    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet9")]
    [InlineData("resnet18")]
    public void AnyInputSideFromEightWorks(string name)
    {
        using var model = ModelRegistry.Create(name, 7);
        model.eval();
        using var noGrad = no_grad();
        foreach (var side in new[] { 8, 16, 32, 20 })
        {
            using var x = randn(2, 3, side, side);
            using var y = model.call(x);
            Assert.Equal(new long[] { 2, 7 }, y.shape);
        }
    }

    [Theory]
    [InlineData("smallcnn")]
    [InlineData("resnet18")]
    public void SpatialLogitsAverageToTheLogits(string name)
    {
        using var model = ModelRegistry.Create(name, 5);
        model.eval();
        using var noGrad = no_grad();
        using var x = randn(2, 3, 24, 24);
        using var logits = model.call(x);
        using var spatial = ((ISpatialClassifier)model).SpatialLogits(x);
        using var mean = spatial.mean([2, 3]);
        Assert.True(mean.allclose(logits, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void UnknownNameIsAClearError()
    {
        var e = Assert.Throws<MyopiaException>(() => ModelRegistry.Create("resnet999", 10));
        Assert.Contains("resnet18", e.Message);
    }
}
