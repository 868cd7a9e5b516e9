using Myopia.Models;
using Myopia.Interop;
using Myopia.IO;
using Myopia.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Tests.Interop;

/// <summary>
/// Weights exported by Myopia, loaded by PyTorch with <c>load_state_dict(strict=True)</c> into the
/// network PyTorch builds itself: the same logits as Myopia's. The resnet18 rows need the registry
/// to build torchvision's exact layout (see TorchvisionTwin).
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class MyopiaToPyTorchTests
{
    public static TheoryData<string, ExportFormat> Rows() => new()
    {
        { "toy", ExportFormat.StateDict }, { "toy", ExportFormat.Safetensors },
        { "resnet18", ExportFormat.StateDict }, { "resnet18", ExportFormat.Safetensors },
    };

    [PyTorchTheory]
    [MemberData(nameof(Rows))]
    public void ExportedModel_LoadsStrictlyInPyTorch_WithMyopiasLogits(string networkName, ExportFormat format)
    {
        var network = ReferenceNetwork.All[networkName];
        torch.manual_seed(3);
        using var model = network.CreateMyopia();
        RandomizeBatchNorm(model);
        model.eval();
        using var input = torch.randn(2, 3, network.InputSize, network.InputSize);
        using var noGrad = no_grad();
        using var logits = model.call(input);

        using var exchange = new ReferenceFolder(Directory.CreateTempSubdirectory("myopia-export-").FullName);
        var file = exchange.File(format == ExportFormat.Safetensors ? "model.safetensors" : "model.pth");
        ModelExport.Write(model, format, file);
        NpyWriter.Write(exchange.File("input.npy"), input.data<float>().ToArray(), [.. input.shape.Select(d => (int)d)]);

        var load = format == ExportFormat.Safetensors ? "read_safetensors(FILE)" : "torch.load(FILE)";
        using var folder = PyTorchReference.Run($$"""
            FILE = {{PythonLiteral(file)}}
            {{network.PythonBuild}}
            model.load_state_dict({{load}}, strict=True)
            model.eval()
            x = torch.from_numpy(np.load({{PythonLiteral(exchange.File("input.npy"))}}))
            with torch.no_grad():
                save_npy("logits.npy", model(x))
            """);
        using var expected = folder.ReadNpy("logits.npy");
        PyTorchToMyopiaTests.AssertLogitsEqual(expected, logits);
    }

    /// <summary>The Python that <see cref="ModelExport.PythonSnippet"/> prints must itself load the export.</summary>
    [PyTorchTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThePythonSnippet_LoadsTheExportIntoTheSameNetwork(bool torchvisionLayout)
    {
        torch.manual_seed(5);
        using var model = torchvisionLayout ? TorchvisionTwin.Create("resnet18", 10) : TorchvisionTwin.CreateStudyStem("resnet18", 10);
        RandomizeBatchNorm(model);
        model.eval();
        using var input = torch.randn(2, 3, 32, 32);
        using var noGrad = no_grad();
        using var logits = model.call(input);

        using var exchange = new ReferenceFolder(Directory.CreateTempSubdirectory("myopia-export-").FullName);
        var file = exchange.File("model.pth");
        ModelExport.Write(model, ExportFormat.StateDict, file);
        NpyWriter.Write(exchange.File("input.npy"), input.data<float>().ToArray(), [.. input.shape.Select(d => (int)d)]);
        var snippet = ModelExport.PythonSnippet("resnet18", new ModelOptions(10, 3, torchvisionLayout ? Stem.ImageNet : Stem.Study), ExportFormat.StateDict, file);

        using var folder = PyTorchReference.Run($$"""
            {{snippet}}
            model.eval()
            x = torch.from_numpy(np.load({{PythonLiteral(exchange.File("input.npy"))}}))
            with torch.no_grad():
                save_npy("logits.npy", model(x))
            """);
        using var expected = folder.ReadNpy("logits.npy");
        PyTorchToMyopiaTests.AssertLogitsEqual(expected, logits);
    }

    /// <summary>So that a buffer lost on the way to PyTorch changes the logits.</summary>
    private static void RandomizeBatchNorm(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (name.EndsWith("running_mean")) tensor.copy_(torch.randn(tensor.shape) * 0.1);
            else if (name.EndsWith("running_var")) tensor.copy_(torch.rand(tensor.shape) * 0.5 + 0.75);
        }
    }

    private static string PythonLiteral(string path) => "\"" + path.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
