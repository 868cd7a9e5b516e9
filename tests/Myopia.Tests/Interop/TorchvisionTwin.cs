using Myopia.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Interop;

/// <summary>
/// Creates the Myopia network that must have exactly torchvision's layout and names, for the
/// equality tests. The one place to switch once the registry builds torchvision's stem and head.
/// </summary>
public static class TorchvisionTwin
{
    /// <summary>Myopia's registry name for a torchvision builder name ("vgg16_bn" is "vgg16bn").</summary>
    public static string RegistryName(string torchvisionName) => torchvisionName.Replace("_", "");

    public static Func<string, int, Module<Tensor, Tensor>> Create { get; } =
        (torchvisionName, classes) => ModelRegistry.Create(RegistryName(torchvisionName), classes);
}
