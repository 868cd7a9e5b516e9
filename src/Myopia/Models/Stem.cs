namespace Myopia.Models;

/// <summary>
/// The first layers of a ResNet, or for a VGG the head that matches its input size. Chosen through
/// <see cref="ModelOptions.Stem"/>; architectures without a choice refuse any value.
/// </summary>
public enum Stem
{
    /// <summary>ResNet: 7x7 conv, stride 1, pad 3, no max-pool (the tile study's ResNet). VGG: the CIFAR
    /// head (ceil-mode pools, global average pooling, one linear layer).</summary>
    Study,

    /// <summary>ResNet: 3x3 conv, stride 1, pad 1, no max-pool. VGG: the CIFAR head, as <see cref="Study"/>.</summary>
    Cifar,

    /// <summary>Exactly torchvision's network: ResNet 7x7 stride-2 conv and MaxPool2d(3, 2, 1); VGG with
    /// floor-mode pools, AdaptiveAvgPool2d(7) and the 4096-wide classifier.</summary>
    ImageNet,
}

/// <summary>The lower-case names the CLI and configuration files use for <see cref="Stem"/>.</summary>
public static class StemNames
{
    private static readonly Dictionary<string, Stem> ByName = new(StringComparer.Ordinal)
    {
        ["study"] = Stem.Study,
        ["cifar"] = Stem.Cifar,
        ["imagenet"] = Stem.ImageNet,
    };

    public static IReadOnlyList<string> All => ByName.Keys.ToList();

    public static string Name(Stem stem) => ByName.First(p => p.Value == stem).Key;

    /// <summary>Parses "study", "cifar" or "imagenet" (lower case, as written in help texts).</summary>
    public static Stem Parse(string name) =>
        ByName.TryGetValue(name, out var stem)
            ? stem
            : throw new MyopiaException($"unknown stem '{name}'; expected one of {string.Join(", ", All)}");
}
