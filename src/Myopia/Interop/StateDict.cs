using static TorchSharp.torch;

namespace Myopia.Interop;

/// <summary>
/// A PyTorch state_dict read from a file: parameter and buffer names mapped to tensors, in the
/// file's order, and notes on what reading it took (unwrapping a checkpoint dictionary, removing
/// DataParallel's "module." prefix), for the caller to show. Owns the tensors.
/// </summary>
public sealed record StateDict(string Source, OrderedDictionary<string, Tensor> Tensors, IReadOnlyList<string> Notes) : IDisposable
{
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
