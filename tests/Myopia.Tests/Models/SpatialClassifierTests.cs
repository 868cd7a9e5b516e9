using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>The per-position logits of a global-average-pooled network average to its logits.</summary>
public class SpatialClassifierTests
{
    public static TheoryData<string> SpatialModels() => new(ModelRegistry.All.Where(i => i.IsSpatial).Select(i => i.Name));

    [Theory]
    [MemberData(nameof(SpatialModels))]
    public void SpatialMeanEqualsForwardInEvalMode(string name)
    {
        using var model = ModelRegistry.Create(name, classes: 10, channels: 3);
        var spatial = Assert.IsAssignableFrom<ISpatialClassifier>(model);
        model.eval();
        using var _ = no_grad();
        foreach (var side in new[] { 8, 24, 32 })
        {
            using var x = randn(2, 3, side, side);
            using var logits = model.call(x);
            using var map = spatial.SpatialLogits(x);
            Assert.Equal(4, map.dim());
            Assert.Equal(new long[] { 2, 10 }, map.shape[..2]);
            using var mean = map.mean([2, 3]);
            var maxDiff = (mean - logits).abs().max().item<float>();
            var scale = logits.abs().max().item<float>();
            Assert.True(maxDiff <= 1e-4f * Math.Max(1f, scale), $"{name} side {side}: spatial mean differs by {maxDiff}");
        }
    }

    [Fact]
    public void RegistryMetadataMatchesTheInterface()
    {
        foreach (var info in ModelRegistry.All)
        {
            using var model = ModelRegistry.Create(info.Name, 10, 3);
            Assert.Equal(info.IsSpatial, model is ISpatialClassifier);
        }
    }

    [Fact]
    public void TheStudyNetworksAreSpatialExceptResNet9()
    {
        Assert.True(ModelRegistry.Info("resnet18").IsSpatial);
        Assert.True(ModelRegistry.Info("resnet34").IsSpatial);
        Assert.True(ModelRegistry.Info("vgg16bn").IsSpatial);
        Assert.False(ModelRegistry.Info("resnet9").IsSpatial);
        Assert.False(ModelRegistry.Info("lenet").IsSpatial);
    }
}
