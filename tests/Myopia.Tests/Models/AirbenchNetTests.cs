using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>The airbench94 network: shapes on tiles and full images, its parameter count, and the data-derived whitening layer.</summary>
public class AirbenchNetTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(24)]
    [InlineData(16)]
    [InlineData(8)]
    public void GivesOneLogitPerClassOnFullImagesAndTiles(int side)
    {
        using var model = new AirbenchNet(10);
        foreach (bool training in new[] { true, false })
        {
            model.train(training);
            using var x = randn(4, 3, side, side);
            using var logits = model.call(x);
            Assert.Equal(new long[] { 4, 10 }, logits.shape);
            Assert.True(logits.isfinite().all().item<bool>());
        }
    }

    /// <summary>
    /// whiten 3·24·4 + 24 = 312; groups (conv1 + BN bias + conv2 + BN bias): 24·64·9 + 64 + 64·64·9 + 64 = 50,816,
    /// 64·256·9 + 256 + 256·256·9 + 256 = 737,792 and 2·(256·256·9 + 256) = 1,180,160; head 256·10 = 2,560.
    /// airbench94 counts 1,152 more: the frozen BN weights, absent here.
    /// </summary>
    [Fact]
    public void ParameterCountIsAirbenchsWithoutTheFrozenBatchNormWeights()
    {
        using var model = ModelRegistry.Create("airbench", 10, 3);
        Assert.Equal(1_971_640, ModelRegistry.ParameterCount(model));
        Assert.Equal(312 + 50_816 + 737_792 + 1_180_160 + 2_560, ModelRegistry.ParameterCount(model));
        // Only the whitening weights are frozen.
        Assert.Equal(["whiten.weight"], model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name));
    }

    [Fact]
    public void WhitenedPatchesHaveIdentityCovariance()
    {
        // Images with strongly correlated pixels and channels (a smooth shared field plus a weaker
        // independent part), so that plain patches are far from white.
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var field = nn.functional.avg_pool2d(randn(400, 1, 20, 20, generator: generator), 3, 1, 1) * 3;
        var mixed = field.expand(-1, 3, -1, -1) * tensor(new float[] { 1f, 0.8f, -0.5f }).view(1, 3, 1, 1);
        var images = mixed + 0.5 * randn(400, 3, 20, 20, generator: generator);

        using var model = new AirbenchNet(10);
        using (no_grad())
        {
            var patches = AirbenchNet.Patches(images, 2);
            var raw = patches.t().mm(patches) / patches.shape[0];
            Assert.True((raw - eye(12)).abs().max().item<float>() > 0.5, "the test images should not be white already");

            model.InitializeFromData(images);
            var w = model.WhiteningWeight;
            Assert.Equal(new long[] { 24, 3, 2, 2 }, w.shape);
            Assert.True(w.narrow(0, 12, 12).allclose(w.narrow(0, 0, 12).neg()), "the second half of the filters is the negated first half");

            var outputs = nn.functional.conv2d(images, w.narrow(0, 0, 12));        // no bias
            var flat = outputs.permute(0, 2, 3, 1).reshape(-1, 12);
            var covariance = flat.t().mm(flat) / flat.shape[0];
            var error = (covariance - eye(12)).abs().max().item<float>();
            Assert.True(error < 0.01f, $"whitened covariance differs from I by {error}");
            // Largest eigenvalue first: the first filter's raw output has the largest variance.
            var variances = patches.mm(w.narrow(0, 0, 12).reshape(12, 12).t()).pow(2).mean([0]);
            Assert.True(variances[0].item<float>() >= variances[11].item<float>());
        }
    }

    [Fact]
    public void WhiteningWeightsAreInTheStateDictAndSurviveARoundTrip()
    {
        using var scope = NewDisposeScope();
        using var a = new AirbenchNet(10);
        using (no_grad()) a.InitializeFromData(randn(50, 3, 8, 8));
        Assert.Contains("whiten.weight", a.state_dict().Keys);
        var path = Path.GetTempFileName();
        try
        {
            a.save(path);
            using var b = new AirbenchNet(10);
            Assert.False(b.WhiteningWeight.allclose(a.WhiteningWeight));
            b.load(path);
            Assert.True(b.WhiteningWeight.eq(a.WhiteningWeight).all().item<bool>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void SgdLeavesTheFrozenWhiteningWeightsAloneEvenWithWeightDecay()
    {
        using var scope = NewDisposeScope();
        using var model = new AirbenchNet(4);
        var before = model.WhiteningWeight.clone();
        using var optimizer = optim.SGD(model.parameters(), 0.1, momentum: 0.9, weight_decay: 0.1, nesterov: true);
        var loss = nn.functional.cross_entropy(model.call(randn(8, 3, 16, 16)), tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 }));
        loss.backward();
        optimizer.step();
        Assert.True(model.WhiteningWeight.eq(before).all().item<bool>());
    }

    [Fact]
    public void EveryTrainedParameterGetsAGradientOnAnEightPixelTile()
    {
        using var scope = NewDisposeScope();
        using var model = new AirbenchNet(5);
        model.train();
        var loss = nn.functional.cross_entropy(model.call(randn(4, 3, 8, 8)), tensor(new long[] { 0, 1, 2, 3 }));
        loss.backward();
        foreach (var (name, p) in model.named_parameters().Where(p => p.parameter.requires_grad))
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{name} got no gradient");
    }
}
