using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Interop;

/// <summary>
/// A network built both by PyTorch (the Python that leaves it in <c>model</c>) and by Myopia, with
/// the input side its equality tests use.
/// </summary>
public sealed record ReferenceNetwork(string Name, string PythonBuild, Func<Module<Tensor, Tensor>> CreateMyopia, int InputSize)
{
    /// <summary>The toy: checks the interop path on this branch, whatever the registry's names.</summary>
    public static ReferenceNetwork Toy { get; } =
        new("toy", TorchvisionLikeToy.PythonDefinition + "\nmodel = Toy(num_classes=10)", () => new TorchvisionLikeToy(10), 16);

    public static ReferenceNetwork Torchvision(string builder, int inputSize) =>
        new(builder, $"import torchvision\nmodel = torchvision.models.{builder}(num_classes=10)",
            () => TorchvisionTwin.Create(builder, 10), inputSize);

    /// <summary>VGG's AdaptiveAvgPool2d(7) takes any size, so 32x32 keeps vgg16_bn quick.</summary>
    public static IReadOnlyDictionary<string, ReferenceNetwork> All { get; } = new[]
    {
        Toy,
        Torchvision("resnet18", 64),
        Torchvision("resnet50", 64),
        Torchvision("vgg16_bn", 32),
    }.ToDictionary(n => n.Name);
}
