using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// Creates the networks by name and <see cref="ModelOptions"/> (timm's <c>create_model</c>), so the CLI,
/// sweeps, checkpoints and tests all speak the same names. Each network accepts any number of input
/// channels and any input side from its <see cref="ModelInfo.MinimumInputSide"/> up (1 for the ResNets,
/// CIFAR-head VGGs and LeNet, 2 for airbench, 4 for smallcnn, 8 for resnet9 and vggsmall, 32 for torchvision's VGG); every network can be antialiased.
/// </summary>
public static class ModelRegistry
{
    private sealed record Entry(ModelInfo Info, Func<ModelOptions, Module<Tensor, Tensor>> Create);

    private static readonly StemChoice[] ResNetStems =
    [
        new(Stem.Study, true, 1, "7x7 conv, stride 1, no max-pool (the tile study's ResNet)"),
        new(Stem.Cifar, true, 1, "3x3 conv, stride 1, no max-pool"),
        new(Stem.ImageNet, true, 1, "torchvision: 7x7 conv stride 2, MaxPool2d(3, 2, 1)") { AntialiasedMinimumInputSide = 3 },
    ];

    private static readonly StemChoice[] VggStems =
    [
        new(Stem.Study, true, 1, "CIFAR head: ceil-mode pools, global average pooling, Linear(512, k)"),
        new(Stem.Cifar, true, 1, "CIFAR head, as study"),
        new(Stem.ImageNet, false, VggImageNet.MinimumInputSide, "torchvision: floor-mode pools, AdaptiveAvgPool2d(7), 4096-wide classifier"),
    ];

    private static readonly Dictionary<string, Entry> Models = new Entry[]
    {
        new(new("smallcnn", "small fully convolutional CNN for CPU work (4 conv layers, GAP, 0.24 M params)", true, 32, MinimumInputSide: 4),
            o => new SmallCnn(o.Classes, o.Channels, antialias: o.Antialias, aps: o.Downsampling == Downsampling.Aps)),
        new(new("resnet9", "ResNet-9 of the tile-training study (pools to 2x2, BN momentum 0.9, 2.4 M params)", false, 32, MinimumInputSide: 8),
            o => new ResNet9(o.Classes, o.Channels, o.Antialias)),
        new(new("resnet18", "torchvision ResNet-18; default stem 7x7 stride 1, no max-pool (GAP, 11.2 M params)", true, 32, MinimumInputSide: 1) { Stems = ResNetStems },
            ResNet.ResNet18),
        new(new("resnet34", "torchvision ResNet-34; default stem 7x7 stride 1, no max-pool (GAP, 21.3 M params)", true, 32, MinimumInputSide: 1) { Stems = ResNetStems },
            ResNet.ResNet34),
        new(new("resnet50", "torchvision ResNet-50 (Bottleneck v1.5); default stem 7x7 stride 1, no max-pool (GAP, 23.5 M params)", true, 32, MinimumInputSide: 1) { Stems = ResNetStems },
            ResNet.ResNet50),
        Vgg(11, false), Vgg(13, false), Vgg(16, false), Vgg(11, true), Vgg(13, true), Vgg(16, true),
        new(new("airbench", "airbench94's network: fixed 2x2 patch whitening, 3 conv groups (64, 256, 256), global max pool, logits / 9 (1.97 M params)", false, 32, MinimumInputSide: 2),
            o => new AirbenchNet(o.Classes, o.Channels, o.Antialias)),
        new(new("vggsmall", "small VGG of the shift study: 3 stages of [conv-BN-ReLU] x 2 + 2x2 max pool (32/64/128), GAP, linear (0.29 M params)", true, 32, MinimumInputSide: 8),
            o => new VggSmall(o.Classes, o.Channels, o.Antialias, o.Downsampling == Downsampling.Aps)),
        new(new("lenet", "LeNet-5 (padded convs, adaptive 5x5 pool, FC 120-84-k; 62 k params)", false, 28, MinimumInputSide: 1),
            o => new LeNet(o.Classes, o.Channels, o.Antialias)),
    }.ToDictionary(e => e.Info.Name, StringComparer.OrdinalIgnoreCase);

    private static Entry Vgg(int depth, bool batchNorm) =>
        new(new($"vgg{depth}{(batchNorm ? "bn" : "")}",
                $"VGG-{depth}{(batchNorm ? " with BatchNorm" : ", no BN")}; default: CIFAR head (ceil-mode pools, GAP, linear head), imagenet stem: torchvision's",
                true, 32, MinimumInputSide: 1) { Stems = VggStems },
            o => o.Stem == Stem.ImageNet
                ? new VggImageNet(depth, o, batchNorm)
                : new Vgg(depth, o, batchNorm));

    /// <summary>The networks whose pools can use adaptive polyphase sampling.</summary>
    public static readonly string[] ApsModels = ["smallcnn", "vggsmall"];

    public static IReadOnlyList<string> Names => Models.Keys.Order().ToList();

    /// <summary>Every registered network, by name.</summary>
    public static IReadOnlyList<ModelInfo> All => Models.Values.Select(e => e.Info).OrderBy(i => i.Name).ToList();

    public static ModelInfo Info(string name) => Lookup(name).Info;

    public static string Describe(string name) => Lookup(name).Info.Description;

    public static bool Exists(string name) => Models.ContainsKey(name);

    /// <summary>Refuses an input side below what <paramref name="name"/> built with <paramref name="options"/> accepts (see <see cref="ModelInfo.CheckInputSide"/>).</summary>
    public static void CheckInputSide(string name, ModelOptions options, int side, string what)
    {
        var info = Lookup(name).Info;
        info.CheckInputSide(side, Resolve(info, options).Stem, options.Antialias, what);
    }

    /// <summary>One line per network ("name  description"), for help texts such as <c>myopia train --help</c>.</summary>
    public static string HelpText()
    {
        var width = Models.Keys.Max(n => n.Length);
        return string.Join(Environment.NewLine, All.Select(i => $"{i.Name.PadRight(width)}  {i.Description}"));
    }

    /// <summary>Creates an untrained model for <paramref name="classes"/> classes and <paramref name="channels"/> input channels.</summary>
    public static Module<Tensor, Tensor> Create(string name, int classes, int channels = 3) =>
        Create(name, new ModelOptions(classes, channels));

    /// <summary>Creates an untrained model; a null stem takes the architecture's default.</summary>
    public static Module<Tensor, Tensor> Create(string name, ModelOptions options)
    {
        var entry = Lookup(name);
        return entry.Create(Resolve(entry.Info, options));
    }

    /// <summary>The options with the stem made explicit, after checking them against the architecture.</summary>
    public static ModelOptions Resolve(string name, ModelOptions options) => Resolve(Lookup(name).Info, options);

    private static ModelOptions Resolve(ModelInfo info, ModelOptions options)
    {
        if (options.Classes < 1) throw new MyopiaException($"a model needs at least one class, got {options.Classes}");
        if (options.Channels < 1) throw new MyopiaException($"a model needs at least one input channel, got {options.Channels}");
        if (options.Antialias is < 0 or > ModelOptions.MaxFilterSize)
            throw new MyopiaException($"antialias must be 0 (off) or a BlurPool filter size 1..{ModelOptions.MaxFilterSize}, got {options.Antialias}");
        if (options.Downsampling == Downsampling.Aps && !ApsModels.Contains(info.Name))
            throw new MyopiaException($"adaptive polyphase sampling (aps) is built into {string.Join(" and ", ApsModels)}, not {info.Name}");
        if (options.Downsampling == Downsampling.Aps && options.Antialias > 0)
            throw new MyopiaException("choose BlurPool antialiasing or adaptive polyphase sampling (aps), not both");
        if (options.Antialias > 0 && !info.AcceptsAntialias)
            throw new MyopiaException($"{info.Name} cannot be antialiased");
        if (options.Stem is { } stem && !info.AcceptsStem(stem))
            throw new MyopiaException(info.Stems.Count == 0
                ? $"{info.Name} has no stem choice; leave the stem unset"
                : $"{info.Name} accepts the stems {string.Join(", ", info.Stems.Select(s => StemNames.Name(s.Stem)))}, not {StemNames.Name(stem)}");
        return options with { Stem = options.Stem ?? info.DefaultStem };
    }

    public static long ParameterCount(Module module) => module.parameters().Sum(p => p.numel());

    private static Entry Lookup(string name) =>
        Models.TryGetValue(name, out var entry)
            ? entry
            : throw new MyopiaException($"unknown model '{name}'; known models: {string.Join(", ", Names)}");
}
