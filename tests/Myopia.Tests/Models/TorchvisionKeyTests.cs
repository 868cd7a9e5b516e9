using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>
/// The ImageNet-stem networks have exactly torchvision's state-dict keys and shapes, so torchvision
/// weights load by name; the lists in TorchvisionKeys/ were dumped once with torchvision 0.14
/// (<c>torchvision.models.resnet18().state_dict()</c>, ...). Antialiasing changes neither keys nor shapes.
/// </summary>
public class TorchvisionKeyTests
{
    [Theory]
    [InlineData("resnet18", "resnet18", 122)]
    [InlineData("resnet34", "resnet34", 218)]
    [InlineData("resnet50", "resnet50", 320)]
    [InlineData("vgg11", "vgg11", 22)]
    [InlineData("vgg11bn", "vgg11bn", 62)]
    [InlineData("vgg13", "vgg13", 26)]
    [InlineData("vgg13bn", "vgg13bn", 76)]
    [InlineData("vgg16", "vgg16", 32)]
    [InlineData("vgg16bn", "vgg16bn", 97)]
    public void ImageNetStemHasTorchvisionKeysAndShapes(string name, string file, int count)
    {
        var expected = ReadKeys(file);
        Assert.Equal(count, expected.Count);
        foreach (var antialias in new[] { 0, 3 })
        {
            using var model = ModelRegistry.Create(name, new ModelOptions(1000, Stem: Stem.ImageNet, Antialias: antialias));
            var actual = model.state_dict().ToDictionary(p => p.Key, p => string.Join("x", p.Value.shape));
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (key, shape) in expected)
                Assert.True(shape == actual[key], $"{name} antialias {antialias}: {key} is {actual[key]}, torchvision {shape}");
        }
    }

    [Fact]
    public void ResNet18KeysFollowTorchvisionLayout()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelOptions(10));
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Equal(122, keys.Count);
        Assert.Equal(102, keys.Count(k => !k.EndsWith(".num_batches_tracked")));
        Assert.Contains("conv1.weight", keys);
        Assert.Contains("bn1.num_batches_tracked", keys);
        Assert.Contains("layer1.0.conv1.weight", keys);
        Assert.Contains("layer2.0.downsample.0.weight", keys);
        Assert.Contains("layer2.0.downsample.1.running_var", keys);
        Assert.Contains("layer4.1.bn2.bias", keys);
        Assert.Contains("fc.weight", keys);
        Assert.Contains("fc.bias", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("layer1.0.downsample"));
        Assert.Equal(new long[] { 10, 512 }, model.state_dict()["fc.weight"].shape);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("vgg16bn")]
    public void StudyAndCifarStemsKeepTheKeysOfTheBody(string name)
    {
        using var study = ModelRegistry.Create(name, new ModelOptions(10, Stem: Stem.Study));
        using var cifar = ModelRegistry.Create(name, new ModelOptions(10, Stem: Stem.Cifar, Antialias: 5));
        Assert.Equal(study.state_dict().Keys.Order(), cifar.state_dict().Keys.Order());
    }

    [Fact]
    public void CifarVggHeadIsOneLinearNamedClassifier()
    {
        using var model = ModelRegistry.Create("vgg11", new ModelOptions(10));
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("classifier.weight", keys);
        Assert.Contains("classifier.bias", keys);
        Assert.Equal(new long[] { 10, 512 }, model.state_dict()["classifier.weight"].shape);
        // The features are numbered as torchvision's: conv at 0, ReLU at 1, pool at 2, conv at 3, ...
        Assert.Contains("features.3.weight", keys);
        Assert.Contains("features.18.weight", keys);
    }

    [Fact]
    public void ModuleNamesIncludeTorchvisionsParameterFreeModulesForHooks()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelOptions(10, Stem: Stem.ImageNet));
        var names = model.named_modules().Select(m => m.name).ToHashSet();
        Assert.Contains("relu", names);
        Assert.Contains("maxpool", names);
        Assert.Contains("avgpool", names);
        Assert.Contains("layer1.0.relu", names);
        using var study = ModelRegistry.Create("resnet18", new ModelOptions(10));
        Assert.DoesNotContain("maxpool", study.named_modules().Select(m => m.name));
    }

    private static Dictionary<string, string> ReadKeys(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Models", "TorchvisionKeys", file + ".txt"))
            .Where(l => !l.StartsWith('#') && l.Length > 0)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p[1] == "-" ? "" : p[1]);
}
