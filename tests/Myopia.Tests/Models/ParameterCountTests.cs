using Myopia.Models;

namespace Myopia.Tests.Models;

/// <summary>
/// Parameter counts equal PyTorch's for the same architecture. The reference numbers were computed
/// once with PyTorch 1.13 (Debian's python3-torch): resnet9 and resnet18 with the networks of
/// shared/peers/torch_reference.py, the others with equivalent nn.Sequential definitions
/// (torchvision-style BasicBlocks for resnet34; VGG with biased convs, ceil-mode pools,
/// AdaptiveAvgPool2d(1), Linear(512, k); LeNet with padded 5x5 convs and Linear 400-120-84-k).
/// </summary>
public class ParameterCountTests
{
    [Theory]
    [InlineData("smallcnn", 10, 3, 242_474)]
    [InlineData("smallcnn", 10, 1, 241_898)]
    [InlineData("resnet9", 10, 3, 2_447_946)]
    [InlineData("resnet9", 100, 3, 2_540_196)]
    [InlineData("resnet9", 10, 1, 2_446_794)]
    [InlineData("resnet18", 10, 3, 11_181_642)]
    [InlineData("resnet18", 100, 3, 11_227_812)]
    [InlineData("resnet18", 10, 1, 11_175_370)]
    [InlineData("resnet34", 10, 3, 21_289_802)]
    [InlineData("resnet34", 200, 3, 21_387_272)]
    [InlineData("resnet50", 10, 3, 23_528_522)]
    [InlineData("vgg11", 10, 3, 9_225_610)]
    [InlineData("vgg11bn", 10, 3, 9_231_114)]
    [InlineData("vgg13", 10, 3, 9_410_122)]
    [InlineData("vgg13bn", 10, 3, 9_416_010)]
    [InlineData("vgg16", 10, 3, 14_719_818)]
    [InlineData("vgg16", 10, 1, 14_718_666)]
    [InlineData("vgg16bn", 10, 3, 14_728_266)]
    [InlineData("vgg16bn", 100, 3, 14_774_436)]
    [InlineData("airbench", 10, 3, 1_971_640)]
    [InlineData("vggsmall", 10, 3, 288_746)]
    [InlineData("vggsmall", 10, 1, 288_170)]
    [InlineData("lenet", 10, 1, 61_706)]
    [InlineData("lenet", 10, 3, 62_006)]
    [InlineData("lenet", 100, 3, 69_656)]
    public void CountEqualsPyTorch(string name, int classes, int channels, long expected)
    {
        using var model = ModelRegistry.Create(name, classes, channels);
        Assert.Equal(expected, ModelRegistry.ParameterCount(model));
    }

    /// <summary>torchvision's own counts (torchvision 0.14, <c>sum(p.numel() for p in m.parameters())</c>);
    /// antialiasing adds no parameter.</summary>
    [Theory]
    [InlineData("resnet18", Stem.ImageNet, 1000, 11_689_512)]
    [InlineData("resnet18", Stem.Study, 10, 11_181_642)]
    [InlineData("resnet18", Stem.Cifar, 10, 11_181_642 - 64 * 3 * (49 - 9))]
    [InlineData("resnet34", Stem.ImageNet, 1000, 21_797_672)]
    [InlineData("resnet50", Stem.ImageNet, 1000, 25_557_032)]
    [InlineData("resnet50", Stem.ImageNet, 10, 23_528_522)]
    [InlineData("vgg11", Stem.ImageNet, 1000, 132_863_336)]
    [InlineData("vgg11bn", Stem.ImageNet, 10, 128_812_810)]
    [InlineData("vgg16", Stem.ImageNet, 1000, 138_357_544)]
    [InlineData("vgg16bn", Stem.ImageNet, 1000, 138_365_992)]
    [InlineData("vgg16bn", Stem.Cifar, 10, 14_728_266)]
    public void CountWithOptionsEqualsTorchvisionPlainAndAntialiased(string name, Stem stem, int classes, long expected)
    {
        foreach (var antialias in new[] { 0, 4 })
        {
            using var model = ModelRegistry.Create(name, new ModelOptions(classes, Stem: stem, Antialias: antialias));
            Assert.Equal(expected, ModelRegistry.ParameterCount(model));
        }
    }

    [Fact]
    public void EveryRegisteredModelHasAPinnedCount()
    {
        var pinned = typeof(ParameterCountTests).GetMethod(nameof(CountEqualsPyTorch))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).First()[0]).ToHashSet();
        Assert.All(ModelRegistry.Names, n => Assert.Contains(n, pinned));
    }
}
