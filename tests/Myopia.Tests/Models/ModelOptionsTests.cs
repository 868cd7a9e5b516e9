using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>Creating networks by name and <see cref="ModelOptions"/>: stems, antialiasing, refusals.</summary>
public class ModelOptionsTests
{
    [Theory]
    [InlineData("study", Stem.Study)]
    [InlineData("cifar", Stem.Cifar)]
    [InlineData("imagenet", Stem.ImageNet)]
    public void StemNamesParseAndRoundTrip(string name, Stem stem)
    {
        Assert.Equal(stem, StemNames.Parse(name));
        Assert.Equal(name, StemNames.Name(stem));
    }

    [Fact]
    public void UnknownStemNameListsTheKnownOnes()
    {
        var error = Assert.Throws<MyopiaException>(() => StemNames.Parse("ImageNet"));
        Assert.Contains("study, cifar, imagenet", error.Message);
    }

    [Theory]
    [InlineData("resnet9")]
    [InlineData("smallcnn")]
    [InlineData("lenet")]
    public void ArchitecturesWithoutAStemChoiceRefuseAnyStem(string name)
    {
        var error = Assert.Throws<MyopiaException>(() => ModelRegistry.Create(name, new ModelOptions(10, Stem: Stem.Study)));
        Assert.Contains(name, error.Message);
        Assert.Contains("no stem choice", error.Message);
        Assert.Empty(ModelRegistry.Info(name).Stems);
        Assert.Null(ModelRegistry.Info(name).DefaultStem);
    }

    [Fact]
    public void ArchitecturesWithStemsNameThemAndDefaultToTheStudy()
    {
        foreach (var name in new[] { "resnet18", "resnet34", "resnet50", "vgg11", "vgg16bn" })
        {
            var info = ModelRegistry.Info(name);
            Assert.Equal(Stem.Study, info.DefaultStem);
            Assert.Equal([Stem.Study, Stem.Cifar, Stem.ImageNet], info.Stems.Select(s => s.Stem));
            Assert.True(info.AcceptsAntialias);
        }
        Assert.Equal(Stem.Study, ModelRegistry.Resolve("resnet18", new ModelOptions(10)).Stem);
        Assert.Null(ModelRegistry.Resolve("lenet", new ModelOptions(10)).Stem);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    public void AntialiasOutsideZeroToSevenIsRefused(int antialias)
    {
        var error = Assert.Throws<MyopiaException>(() => ModelRegistry.Create("smallcnn", new ModelOptions(10, Antialias: antialias)));
        Assert.Contains("1..7", error.Message);
    }

    [Fact]
    public void TheOldOverloadEqualsDefaultOptions()
    {
        using var a = ModelRegistry.Create("resnet18", 10, 1);
        using var b = ModelRegistry.Create("resnet18", new ModelOptions(10, 1));
        Assert.Equal(a.state_dict().Keys.Order(), b.state_dict().Keys.Order());
        Assert.Equal(new long[] { 64, 1, 7, 7 }, b.state_dict()["conv1.weight"].shape);
    }

    [Fact]
    public void StemsSetTheFirstConvAndMaxPool()
    {
        using var cifar = ModelRegistry.Create("resnet18", new ModelOptions(10, Stem: Stem.Cifar));
        Assert.Equal(new long[] { 64, 3, 3, 3 }, cifar.state_dict()["conv1.weight"].shape);
        using var imagenet = ModelRegistry.Create("resnet18", new ModelOptions(10, Stem: Stem.ImageNet));
        using var _ = no_grad();
        imagenet.eval();
        using var x = randn(1, 3, 64, 64);
        using var map = ((ISpatialClassifier)imagenet).SpatialLogits(x);
        // torchvision: /2 conv, /2 max-pool, /8 stages = /32.
        Assert.Equal(new long[] { 1, 10, 2, 2 }, map.shape);
    }

    [Fact]
    public void VggImageNetStemIsTorchvisionsHeadAndNotSpatial()
    {
        using var model = ModelRegistry.Create("vgg11", new ModelOptions(10, Stem: Stem.ImageNet));
        Assert.IsType<VggImageNet>(model);
        Assert.IsNotAssignableFrom<ISpatialClassifier>(model);
        var info = ModelRegistry.Info("vgg11");
        Assert.False(info.IsSpatialWith(Stem.ImageNet));
        Assert.True(info.IsSpatialWith(Stem.Cifar));
        Assert.Equal(32, info.MinimumInputSideWith(Stem.ImageNet));
        Assert.Equal(1, info.MinimumInputSideWith(null)); // ceil-mode pools: even a 1x1 input runs (MinimumInputSideTests)
        Assert.Equal(new long[] { 4096, 512 * 7 * 7 }, model.state_dict()["classifier.0.weight"].shape);
        Assert.Equal(new long[] { 10, 4096 }, model.state_dict()["classifier.6.weight"].shape);
        Assert.IsType<Vgg>(ModelRegistry.Create("vgg11", new ModelOptions(10, Stem: Stem.Cifar)));
    }

    [Fact]
    public void SummaryNamesTheNonDefaultOptions()
    {
        Assert.Equal("", new ModelOptions(10).Summary);
        Assert.Equal("stem=imagenet, antialias=3", new ModelOptions(10, Stem: Stem.ImageNet, Antialias: 3).Summary);
    }
}
