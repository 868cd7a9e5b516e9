using Myopia.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Interop;

/// <summary>
/// Creates the Myopia network that must have exactly torchvision's layout and names, for the
/// equality tests. 
/// </summary>
public static class TorchvisionTwin
{
    /// <summary>Myopia's registry name for a torchvision builder name ("vgg16_bn" is "vgg16bn").</summary>
    public static string RegistryName(string torchvisionName) => torchvisionName.Replace("_", "");

    /// <summary>Torchvision's exact network: its stem (7x7 stride-2 conv, max-pool) and head.</summary>
    public static Func<string, int, Module<Tensor, Tensor>> Create { get; } =
        (torchvisionName, classes) => ModelRegistry.Create(RegistryName(torchvisionName), new ModelOptions(classes, 3, Stem.ImageNet));

    /// <summary>The tile study's ResNet: torchvision's, with a 7x7 stride-1 conv1 and no max-pool.</summary>
    public static Func<string, int, Module<Tensor, Tensor>> CreateStudyStem { get; } =
        (torchvisionName, classes) => ModelRegistry.Create(RegistryName(torchvisionName), new ModelOptions(classes, 3, Stem.Study));
}
