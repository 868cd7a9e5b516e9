namespace Myopia.Interop;

/// <summary>
/// What <see cref="ModelExport.PythonSnippet"/> must know of an exported model to build the same
/// network in Python: whether it has torchvision's exact layout (ImageNet stem and head) decides
/// whether torchvision can build it at all.
/// </summary>
public sealed record ExportedModelOptions(int Classes, int Channels = 3, bool TorchvisionLayout = false, bool Antialias = false);
