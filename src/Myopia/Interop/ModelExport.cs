using Myopia.IO;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Myopia.Interop;

/// <summary>
/// Writes a model's state_dict (parameters and buffers, under the module's names) in a format
/// PyTorch reads, and tells the Python that loads it.
/// </summary>
public static class ModelExport
{
    /// <summary>Myopia's names for the networks torchvision builds, with torchvision's builder names.</summary>
    private static readonly Dictionary<string, string> TorchvisionBuilders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["resnet18"] = "resnet18", ["resnet34"] = "resnet34", ["resnet50"] = "resnet50",
        ["vgg11"] = "vgg11", ["vgg13"] = "vgg13", ["vgg16"] = "vgg16",
        ["vgg11bn"] = "vgg11_bn", ["vgg13bn"] = "vgg13_bn", ["vgg16bn"] = "vgg16_bn",
    };

    /// <summary>Writes atomically: a reader (or a crash) never sees half a file.</summary>
    public static void Write(nn.Module model, ExportFormat format, string path)
    {
        var stateDict = model.state_dict();
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            if (format == ExportFormat.Safetensors) Safetensors.SaveStateDict(stream, stateDict, leaveOpen: true);
            else PyTorchPickler.PickleStateDict(stream, stateDict, leaveOpen: true);
        });
    }

    /// <summary>
    /// The lines of Python that build the network and load the exported file. Only networks with
    /// torchvision's layout, or the study's stem (torchvision's ResNet with a 7x7 stride-1 conv1 and
    /// no max-pool), can be built from torchvision; for the others the snippet says that the
    /// network must be defined in Python with the same names, rather than pretend.
    /// </summary>
    public static string PythonSnippet(string architecture, Models.ModelOptions options, ExportFormat format, string path)
    {
        var lines = new List<string>();
        lines.Add(format == ExportFormat.Safetensors
            ? "import torch, torchvision\nfrom safetensors.torch import load_file"
            : "import torch, torchvision");
        lines.AddRange(BuildLines(architecture, options));
        var file = PythonString(path);
        lines.Add(format == ExportFormat.Safetensors
            ? $"model.load_state_dict(load_file({file}))"
            : $"model.load_state_dict(torch.load({file}, map_location=\"cpu\"))");
        return string.Join("\n", lines);
    }

    private static IEnumerable<string> BuildLines(string architecture, Models.ModelOptions options)
    {
        var isResNet = architecture.StartsWith("resnet", StringComparison.OrdinalIgnoreCase);
        var builder = TorchvisionBuilders.GetValueOrDefault(architecture);
        var stem = Models.ModelRegistry.Resolve(architecture, options).Stem;
        bool torchvisionLayout = stem == Models.Stem.ImageNet;
        // torchvision builds every ResNet stem by swapping conv1 and the max-pool; a CIFAR-style VGG
        // (ceil-mode pools, one linear head) or an antialiased network it cannot build.
        var buildable = builder is not null && !options.IsAntialiased && (torchvisionLayout || isResNet);
        if (!buildable)
        {
            yield return $"# '{architecture}' as exported is Myopia's own network, which torchvision cannot build: define it in Python";
            yield return "# as a torch.nn.Module whose state_dict has the file's names and shapes, then create it here:";
            yield return $"model = ...  # your definition of {architecture}({options.Classes} classes, {options.Channels} input channels)";
            yield break;
        }
        yield return $"model = torchvision.models.{builder}(num_classes={options.Classes})";
        if (!torchvisionLayout)
        {
            // The tile study's and the CIFAR stems: keys stay torchvision's because Identity has no state.
            yield return stem == Models.Stem.Cifar
                ? $"model.conv1, model.maxpool = torch.nn.Conv2d({options.Channels}, 64, 3, 1, 1, bias=False), torch.nn.Identity()"
                : $"model.conv1, model.maxpool = torch.nn.Conv2d({options.Channels}, 64, 7, 1, 3, bias=False), torch.nn.Identity()";
        }
        else if (options.Channels != 3)
        {
            yield return isResNet
                ? $"model.conv1 = torch.nn.Conv2d({options.Channels}, 64, 7, 2, 3, bias=False)"
                : $"model.features[0] = torch.nn.Conv2d({options.Channels}, 64, 3, padding=1)";
        }
    }

    private static string PythonString(string path) =>
        "\"" + Path.GetFullPath(path).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
