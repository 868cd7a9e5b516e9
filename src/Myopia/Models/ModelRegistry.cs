using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// Creates the networks by name, so the CLI, sweeps, checkpoints and tests all speak the same names.
/// Every network accepts any input side from 8 up and any number of input channels.
/// </summary>
public static class ModelRegistry
{
    private sealed record Entry(ModelInfo Info, Func<int, int, Module<Tensor, Tensor>> Create);

    private static readonly Dictionary<string, Entry> Models = new Entry[]
    {
        new(new("smallcnn", "small fully convolutional CNN for CPU work (4 conv layers, GAP, 0.24 M params)", true, 32),
            (k, c) => new SmallCnn(k, c)),
        new(new("resnet9", "ResNet-9 of the tile-training study (pools to 2x2, BN momentum 0.9, 2.4 M params)", false, 32),
            (k, c) => new ResNet9(k, c)),
        new(new("resnet18", "ResNet-18 with a 7x7 stride-1 stem and no max-pool (GAP, 11.2 M params)", true, 32),
            (k, c) => ResNet.ResNet18(k, c)),
        new(new("resnet34", "ResNet-34 with a 7x7 stride-1 stem and no max-pool (GAP, 21.3 M params)", true, 32),
            (k, c) => ResNet.ResNet34(k, c)),
        new(new("vgg11", "CIFAR-style VGG-11, no BN (ceil-mode pools, GAP, linear head)", true, 32),
            (k, c) => Vgg.Vgg11(k, c)),
        new(new("vgg13", "CIFAR-style VGG-13, no BN (ceil-mode pools, GAP, linear head)", true, 32),
            (k, c) => Vgg.Vgg13(k, c)),
        new(new("vgg16", "CIFAR-style VGG-16, no BN (ceil-mode pools, GAP, linear head)", true, 32),
            (k, c) => Vgg.Vgg16(k, c)),
        new(new("vgg11bn", "CIFAR-style VGG-11 with BatchNorm (ceil-mode pools, GAP, linear head)", true, 32),
            (k, c) => Vgg.Vgg11(k, c, batchNorm: true)),
        new(new("vgg13bn", "CIFAR-style VGG-13 with BatchNorm (ceil-mode pools, GAP, linear head)", true, 32),
            (k, c) => Vgg.Vgg13(k, c, batchNorm: true)),
        new(new("vgg16bn", "CIFAR-style VGG-16 with BatchNorm (ceil-mode pools, GAP, linear head)", true, 32),
            (k, c) => Vgg.Vgg16(k, c, batchNorm: true)),
        new(new("lenet", "LeNet-5 (padded convs, adaptive 5x5 pool, FC 120-84-k; 62 k params)", false, 28),
            (k, c) => new LeNet(k, c)),
    }.ToDictionary(e => e.Info.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Names => Models.Keys.Order().ToList();

    /// <summary>Every registered network, by name.</summary>
    public static IReadOnlyList<ModelInfo> All => Models.Values.Select(e => e.Info).OrderBy(i => i.Name).ToList();

    public static ModelInfo Info(string name) => Lookup(name).Info;

    public static string Describe(string name) => Lookup(name).Info.Description;

    public static bool Exists(string name) => Models.ContainsKey(name);

    /// <summary>One line per network ("name  description"), for help texts such as <c>myopia train --help</c>.</summary>
    public static string HelpText()
    {
        var width = Models.Keys.Max(n => n.Length);
        return string.Join(Environment.NewLine, All.Select(i => $"{i.Name.PadRight(width)}  {i.Description}"));
    }

    /// <summary>Creates an untrained model for <paramref name="classes"/> classes and <paramref name="channels"/> input channels.</summary>
    public static Module<Tensor, Tensor> Create(string name, int classes, int channels = 3)
    {
        if (classes < 1) throw new MyopiaException($"a model needs at least one class, got {classes}");
        if (channels < 1) throw new MyopiaException($"a model needs at least one input channel, got {channels}");
        return Lookup(name).Create(classes, channels);
    }

    public static Module<Tensor, Tensor> Create(string name, ModelOptions options) => Create(name, options.Classes, options.Channels);

    public static long ParameterCount(Module module) => module.parameters().Sum(p => p.numel());

    private static Entry Lookup(string name) =>
        Models.TryGetValue(name, out var entry)
            ? entry
            : throw new MyopiaException($"unknown model '{name}'; known models: {string.Join(", ", Names)}");
}
