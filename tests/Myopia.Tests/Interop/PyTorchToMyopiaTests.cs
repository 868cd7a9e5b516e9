using System.Text.Json;
using Myopia.Interop;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Interop;

/// <summary>
/// Weights made by PyTorch, loaded into Myopia: the same logits as PyTorch's on the same input.
/// The torchvision rows need the registry to build torchvision's exact layout (see TorchvisionTwin).
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class PyTorchToMyopiaTests(PyTorchToMyopiaTests.References references, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PyTorchToMyopiaTests.References>
{
    /// <summary>
    /// 1e-4, relative to the logits' scale once it exceeds 1: random-weight ResNet-50 logits reach
    /// about 50, where libtorch 2.10 and PyTorch 1.13 differ by 5e-5 on the very same traced graph.
    /// </summary>
    private const double Tolerance = 1e-4;

    /// <summary>One PyTorch run per network, shared by its .pth and safetensors rows.</summary>
    public sealed class References : IDisposable
    {
        private readonly Dictionary<string, ReferenceFolder> folders = [];

        public ReferenceFolder For(ReferenceNetwork network)
        {
            lock (folders)
            {
                if (!folders.TryGetValue(network.Name, out var folder))
                    folders[network.Name] = folder = PyTorchReference.Run(Script(network));
                return folder;
            }
        }

        // Seeded random weights; BN in eval mode with random running statistics, so they matter.
        private static string Script(ReferenceNetwork network) => $$"""
            torch.manual_seed(0)
            {{network.PythonBuild}}
            randomize_batchnorm(model)
            model.eval()
            x = torch.randn(2, 3, {{network.InputSize}}, {{network.InputSize}})
            with torch.no_grad():
                y = model(x)
            torch.save(model.state_dict(), out("model.pth"))
            write_safetensors(out("model.safetensors"), model.state_dict())
            save_npy("input.npy", x)
            save_npy("logits.npy", y)
            with open(out("keys.json"), "w") as f:
                json.dump(list(model.state_dict().keys()), f)
            {{(network.Name == "resnet18" ? "torch.jit.save(torch.jit.trace(model, x), out(\"traced.pt\"))" : "")}}
            """;

        public void Dispose()
        {
            foreach (var folder in folders.Values) folder.Dispose();
        }
    }

    public static TheoryData<string, string> Rows() => new()
    {
        { "toy", "model.pth" }, { "toy", "model.safetensors" },
        { "resnet18", "model.pth" }, { "resnet18", "model.safetensors" },
        { "resnet50", "model.pth" }, { "resnet50", "model.safetensors" },
        { "vgg16_bn", "model.pth" }, { "vgg16_bn", "model.safetensors" },
    };

    [PyTorchTheory]
    [MemberData(nameof(Rows))]
    public void StateDictFromPyTorch_GivesPyTorchsLogits(string networkName, string file)
    {
        var network = ReferenceNetwork.All[networkName];
        var folder = references.For(network);
        using var model = network.CreateMyopia();
        using var stateDict = StateDictFile.Read(folder.File(file));
        StateDictLoader.Load(model, stateDict);
        model.eval();

        using var input = folder.ReadNpy("input.npy");
        using var expected = folder.ReadNpy("logits.npy");
        using var noGrad = no_grad();
        using var actual = model.call(input);
        AssertLogitsEqual(expected, actual, output.WriteLine);
    }

    [PyTorchFact]
    public void TracedResnet18_GivesPyTorchsLogits()
    {
        var folder = references.For(ReferenceNetwork.All["resnet18"]);
        Assert.True(TorchScriptFile.IsTorchScript(folder.File("traced.pt")));
        Assert.False(TorchScriptFile.IsTorchScript(folder.File("model.pth")));
        using var model = TorchScriptFile.Load(folder.File("traced.pt"));
        using var input = folder.ReadNpy("input.npy");
        using var expected = folder.ReadNpy("logits.npy");
        using var noGrad = no_grad();
        using var actual = model.call(input);
        AssertLogitsEqual(expected, actual, output.WriteLine);
    }

    /// <summary>PyBridge hands back an unordered table; the reader restores the file's order.</summary>
    [PyTorchFact]
    public void PickledStateDict_KeepsPyTorchsKeyOrder()
    {
        var folder = references.For(ReferenceNetwork.Toy);
        var expected = JsonSerializer.Deserialize<string[]>(File.ReadAllText(folder.File("keys.json")))!;
        using var stateDict = StateDictFile.Read(folder.File("model.pth"));
        Assert.Equal(expected, stateDict.Tensors.Keys);
        Assert.Empty(stateDict.Notes);
    }

    internal static void AssertLogitsEqual(Tensor expected, Tensor actual, Action<string>? log = null)
    {
        Assert.Equal(expected.shape, actual.shape);
        // Logits that barely vary would make the comparison meaningless.
        Assert.True(expected.std().item<float>() > 1e-2, $"reference logits are nearly constant (std {expected.std().item<float>()})");
        // Absolute, as the issue states it: measured 5e-5 for resnet50 (logits up to 50), 1e-6 for resnet18, 4e-7 for vgg16_bn.
        var tolerance = Tolerance;
        var difference = (expected - actual).abs().max().item<float>();
        log?.Invoke($"max |logit difference| {difference:G3} at logit scale {expected.abs().max().item<float>():G3} (tolerance {tolerance:G3})");
        Assert.True(difference <= tolerance, $"logits differ from PyTorch's by up to {difference:G3} (tolerance {tolerance:G3})");
    }
}
