using Myopia.Models;
using Myopia.Tests.Infrastructure;
using Myopia.Models.Antialiasing;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>
/// The antialias option places BlurPool as in Zhang (2019) without changing the state dict, so every
/// registered network runs antialiased on tiles and full images and weights move between variants.
/// </summary>
public class AntialiasTests
{
    public static TheoryData<string, Stem?> EveryArchitectureAndStem()
    {
        var data = new TheoryData<string, Stem?>();
        foreach (var info in ModelRegistry.All)
        {
            if (info.Stems.Count == 0) data.Add(info.Name, null);
            foreach (var stem in info.Stems) data.Add(info.Name, stem.Stem);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryArchitectureAndStem))]
    public void RunsOnThirtyTwoAndOnTheSmallestTileWithAndWithoutAntialias(string name, Stem? stem)
    {
        // 7, the widest filter, is the hardest case on the tiny maps deep inside a network run on a tile.
        foreach (var antialias in new[] { 0, 7 })
        {
            using var model = ModelRegistry.Create(name, new ModelOptions(5, Stem: stem, Antialias: antialias));
            model.eval();
            using var _ = no_grad();
            var smallest = ModelRegistry.Info(name).MinimumInputSideWith(stem, antialias);
            foreach (var side in new[] { smallest, 32 }.Distinct())
            {
                using var x = randn(2, 3, side, side);
                using var logits = model.call(x);
                Assert.Equal(new long[] { 2, 5 }, logits.shape);
                Assert.True(logits.isfinite().all().item<bool>(), $"{name} {stem} antialias {antialias} side {side}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(EveryArchitectureAndStem))]
    public void AntialiasingKeepsStateDictKeysShapesAndParameterCount(string name, Stem? stem)
    {
        using var plain = ModelRegistry.Create(name, new ModelOptions(10, Stem: stem));
        using var blurred = ModelRegistry.Create(name, new ModelOptions(10, Stem: stem, Antialias: 5));
        var a = plain.state_dict();
        var b = blurred.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a, p => Assert.Equal(p.Value.shape, b[p.Key].shape));
        Assert.Equal(ModelRegistry.ParameterCount(plain), ModelRegistry.ParameterCount(blurred));
        Assert.NotEmpty(blurred.modules().OfType<BlurPool>());
        Assert.Empty(plain.modules().OfType<BlurPool>());
    }

    [Theory]
    [InlineData("vgg13bn", null)]
    [InlineData("vgg11", Stem.ImageNet)]
    [InlineData("resnet18", null)]
    [InlineData("resnet50", Stem.ImageNet)]
    [InlineData("smallcnn", null)]
    [InlineData("resnet9", null)]
    public void EveryMaxPoolAndStrideTwoConvIsReplaced(string name, Stem? stem)
    {
        using var model = ModelRegistry.Create(name, new ModelOptions(10, Stem: stem, Antialias: 3));
        Assert.Empty(model.modules().OfType<MaxPool2d>());
        // Zhang's "pool_only": the ImageNet stem's 7x7 stride-2 conv stays as it is, for cost.
        var convs = model.named_modules().Where(m => m.module is Conv2d && m.name != "conv1").Select(m => (Conv2d)m.module);
        Assert.All(convs, c => Assert.Equal(1, c.stride![0]));
    }

    [Fact]
    public void ResNetBlurSitsAfterConv1AndFirstInTheShortcut()
    {
        using var model = ModelRegistry.Create("resnet50", new ModelOptions(10, Stem: Stem.ImageNet, Antialias: 3));
        var names = model.named_modules().Where(m => m.module is BlurPool or MaxBlurPool).Select(m => m.name).ToList();
        Assert.Contains("maxpool", names);
        Assert.Contains("layer2.0.blur", names);
        Assert.Contains("layer2.0.downsample.blur", names);
        Assert.DoesNotContain("layer1.0.blur", names);
        Assert.DoesNotContain("layer1.0.downsample.blur", names);
        // The shortcut runs blur, conv, BN in that order.
        var shortcut = model.named_modules().Single(m => m.name == "layer3.0.downsample").module;
        Assert.Equal(["blur", "0", "1"], shortcut.named_children().Select(c => c.name));
    }

    [Theory]
    [InlineData("vgg11bn", 32)]
    [InlineData("vgg11bn", 13)]
    [InlineData("lenet", 28)]
    [InlineData("resnet18", 24)]
    [InlineData("resnet50", 13)]
    public void SpatialMapsKeepThePlainSizes(string name, int side)
    {
        using var plain = ModelRegistry.Create(name, new ModelOptions(4));
        using var blurred = ModelRegistry.Create(name, new ModelOptions(4, Antialias: 5));
        var sizes = new List<long[]>();
        foreach (var model in new[] { plain, blurred })
        {
            var shapes = new List<long[]>();
            model.eval();
            using var _ = no_grad();
            // A ResNet block blurs inside, after conv1, so its conv1 runs at full resolution; compare block outputs.
            var watched = model is ResNet
                ? model.modules().Where(m => m is BasicBlock or Bottleneck)
                : model.modules().Where(m => m is Conv2d);
            var hooks = watched.Cast<nn.Module<Tensor, Tensor>>().Select(c => c.register_forward_hook((m, i, o) => { shapes.Add(o.shape); return o; })).ToList();
            using var x = randn(1, 3, side, side);
            using var y = model.call(x);
            foreach (var h in hooks) h.remove();
            sizes.Add(shapes.Select(s => s[2..]).SelectMany(s => s).ToArray());
        }
        Assert.Equal(sizes[0], sizes[1]);
    }

    /// <summary>
    /// With the identity filter (m = 1) and batch norm in eval mode, blurring is plain subsampling, which
    /// commutes with BN and ReLU: a plain network's weights give the same logits in the antialiased layout.
    /// This checks that surgery moves every weight to its place and the layout computes what Zhang's does.
    /// </summary>
    [Theory]
    [InlineData("resnet18", Stem.Study, 32)]
    [InlineData("resnet50", Stem.Cifar, 16)]
    [InlineData("vgg13bn", Stem.Study, 32)]
    [InlineData("vgg11", Stem.ImageNet, 64)]
    [InlineData("smallcnn", null, 16)]
    [InlineData("resnet9", null, 16)]
    public void SurgeryWithTheIdentityFilterKeepsTheLogits(string name, Stem? stem, int side)
    {
        using var plain = ModelRegistry.Create(name, new ModelOptions(6, Stem: stem));
        RandomizeBatchNorm(plain);
        plain.eval();
        using var blurred = ModelSurgery.Antialias(name, new ModelOptions(6, Stem: stem, Antialias: 1), plain);
        Assert.False(blurred.training);
        using var _ = no_grad();
        using var x = randn(2, 3, side, side);
        using var a = plain.call(x);
        using var b = blurred.call(x);
        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5), $"{name}: {(a - b).abs().max().item<float>()}");

        using var bin5 = ModelSurgery.Antialias(name, new ModelOptions(6, Stem: stem, Antialias: 5), plain);
        using var c = bin5.call(x);
        Assert.False(a.allclose(c, rtol: 1e-4, atol: 1e-5), $"{name}: a Bin-5 blur should change the logits");
    }

    [Fact]
    public void SurgeryLeavesTheSourceAloneAndRefusesForeignModels()
    {
        using var plain = ModelRegistry.Create("smallcnn", new ModelOptions(3));
        var before = plain.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var blurred = ModelSurgery.Antialias("smallcnn", new ModelOptions(3, Antialias: 3), plain);
        using (no_grad())
            foreach (var p in blurred.parameters()) p.add_(1);
        Assert.All(plain.state_dict(), p => Assert.True(p.Value.Same(before[p.Key])));
        foreach (var t in before.Values) t.Dispose();

        var foreign = Assert.Throws<MyopiaException>(() => ModelSurgery.Antialias("resnet18", new ModelOptions(3, Antialias: 3), plain));
        Assert.Contains("does not fit", foreign.Message);
        Assert.Throws<MyopiaException>(() => ModelSurgery.Antialias("smallcnn", new ModelOptions(3), plain));
    }

    private static void RandomizeBatchNorm(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var bn in model.modules().OfType<BatchNorm2d>())
        {
            bn.running_mean!.copy_(randn_like(bn.running_mean) * 0.1);
            bn.running_var!.copy_(rand_like(bn.running_var) + 0.5);
            bn.bias!.copy_(randn_like(bn.bias) * 0.1);
        }
    }
}
