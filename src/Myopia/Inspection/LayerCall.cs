using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// One call of a hooked layer during a forward pass, as its forward hook sees it. The tensors are
/// the model's own: valid only during the hook (a Sequential disposes them once passed on, an in-place
/// ReLU overwrites them), so whoever keeps something copies or reduces it there.
/// </summary>
/// <param name="Path">Module path, suffixed <c>#2</c>, <c>#3</c>... for the second and later calls of
/// the same module in one pass (a shared ReLU in a torchvision BasicBlock gives <c>relu</c>, <c>relu#2</c>).</param>
/// <param name="ModulePath">The module path without the call suffix.</param>
/// <param name="Call">1 for the first call of this module in the pass, 2 for the second...</param>
internal sealed record LayerCall(string Path, string ModulePath, int Call, nn.Module<Tensor, Tensor> Module, Tensor Input, Tensor Output)
{
    public static string Name(string modulePath, int call) => call == 1 ? modulePath : $"{modulePath}#{call}";
}
