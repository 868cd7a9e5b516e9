using Myopia.Models;
using Myopia.Interop;

namespace Myopia.Tests.Interop;

public sealed class ModelExportTests
{
    [Theory]
    [InlineData(ExportFormat.StateDict)]
    [InlineData(ExportFormat.Safetensors)]
    public void AnExportedModel_ReadsBackWithTheSameNamesOrderAndValues(ExportFormat format)
    {
        using var model = new TorchvisionLikeToy();
        var folder = Directory.CreateTempSubdirectory("myopia-export-").FullName;
        try
        {
            var path = Path.Combine(folder, "model.bin");
            File.WriteAllBytes(path, new byte[5_000_000]); // an older, larger file is replaced, not overwritten in place
            ModelExport.Write(model, format, path);

            Assert.Equal([path], Directory.GetFiles(folder));
            using var read = StateDictFile.Read(path);
            Assert.Equal(model.state_dict().Keys, read.Tensors.Keys);
            foreach (var (name, tensor) in model.state_dict())
                Assert.True(StateDictLoaderTests.Same(tensor, read.Tensors[name]), $"{name} differs after the round trip");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheSnippetForATorchvisionLayout_BuildsItWithTorchvision()
    {
        var snippet = ModelExport.PythonSnippet("resnet18", new ModelOptions(10, 3, Stem.ImageNet), ExportFormat.StateDict, "/runs/a/model.pth");

        Assert.Equal(
            "import torch, torchvision\n" +
            "model = torchvision.models.resnet18(num_classes=10)\n" +
            "model.load_state_dict(torch.load(\"/runs/a/model.pth\", map_location=\"cpu\"))",
            snippet);
    }

    [Fact]
    public void TheSnippetForSafetensors_UsesSafetensorsLoadFile()
    {
        var snippet = ModelExport.PythonSnippet("vgg16bn", new ModelOptions(100, 3, Stem.ImageNet), ExportFormat.Safetensors, "/m.safetensors");

        Assert.Contains("from safetensors.torch import load_file", snippet);
        Assert.Contains("torchvision.models.vgg16_bn(num_classes=100)", snippet);
        Assert.EndsWith("model.load_state_dict(load_file(\"/m.safetensors\"))", snippet);
    }

    [Fact]
    public void TheSnippetForTheStudyStem_ReplacesConv1AndMaxPool()
    {
        var snippet = ModelExport.PythonSnippet("resnet18", new ModelOptions(10, Channels: 1), ExportFormat.StateDict, "/m.pth");

        Assert.Contains("model.conv1, model.maxpool = torch.nn.Conv2d(1, 64, 7, 1, 3, bias=False), torch.nn.Identity()", snippet);
    }

    [Theory]
    [InlineData("smallcnn", false, false)]
    [InlineData("resnet9", false, false)]
    [InlineData("vgg16bn", false, false)]
    [InlineData("resnet18", true, true)]
    public void TheSnippetForMyopiasOwnNetworks_SaysTheyMustBeDefinedInPython(string architecture, bool torchvisionLayout, bool antialias)
    {
        var snippet = ModelExport.PythonSnippet(architecture, new ModelOptions(10, 3, ModelRegistry.Info(architecture).Stems.Count > 0 ? (torchvisionLayout ? Stem.ImageNet : null) : null, antialias ? 3 : 0), ExportFormat.StateDict, "/m.pth");

        Assert.Contains($"'{architecture}' as exported is Myopia's own network", snippet);
        Assert.DoesNotContain("torchvision.models.", snippet);
    }
}
