using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// Creates the networks by name, so the CLI, sweeps, checkpoints and tests all speak the same names.
/// </summary>
public static class ModelRegistry
{
    private static readonly Dictionary<string, (string Description, Func<int, int, Module<Tensor, Tensor>> Create)> Models =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["smallcnn"] = ("small fully convolutional CNN for CPU work (4 conv layers, GAP)", (k, c) => new SmallCnn(k, c)),
            ["resnet9"] = ("ResNet-9 of the tile study, head pooled to 2x2", (k, c) => new ResNet9(k, c)),
            ["resnet18"] = ("ResNet-18, 7x7 stride-1 stem, no max-pool, GAP", (k, c) => ResNet.ResNet18(k, c)),
            ["resnet34"] = ("ResNet-34, 7x7 stride-1 stem, no max-pool, GAP", (k, c) => ResNet.ResNet34(k, c)),
        };

    public static IReadOnlyList<string> Names => Models.Keys.Order().ToList();

    public static string Describe(string name) => Models[name].Description;

    public static bool Exists(string name) => Models.ContainsKey(name);

    /// <summary>Creates an untrained model for <paramref name="classes"/> classes and <paramref name="channels"/> input channels.</summary>
    public static Module<Tensor, Tensor> Create(string name, int classes, int channels = 3)
    {
        if (!Models.TryGetValue(name, out var entry))
            throw new MyopiaException($"unknown model '{name}'; known models: {string.Join(", ", Names)}");
        return entry.Create(classes, channels);
    }

    public static long ParameterCount(Module module) => module.parameters().Sum(p => p.numel());
}
