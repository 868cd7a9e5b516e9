using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Interop;

/// <summary>
/// Copies a state_dict into a module, strictly: every name must match and every shape agree, or
/// nothing is copied and one error lists everything that differs (missing, unexpected and
/// mis-shaped names), so a user fixes a naming scheme in one go rather than one key at a time.
/// Values are converted to the module's dtype.
/// </summary>
public static class StateDictLoader
{
    /// <summary>How many names of each kind an error shows before "and N more".</summary>
    private const int ShownPerKind = 8;

    /// <summary>
    /// BatchNorm's batch counter. It only matters with momentum=None (a cumulative average), which
    /// no Myopia model uses; PyTorch itself accepts state_dicts saved before it existed. So a side
    /// lacking it is tolerated, and a value present on both sides is still copied.
    /// </summary>
    private const string BatchCounter = "num_batches_tracked";

    public static void Load(nn.Module target, StateDict stateDict) => Load(target, stateDict.Tensors, stateDict.Source);

    public static void Load(nn.Module target, IReadOnlyDictionary<string, Tensor> source, string sourceName)
    {
        var own = target.state_dict();
        var missing = own.Keys.Where(k => !source.ContainsKey(k) && !IsBatchCounter(k)).ToList();
        var unexpected = source.Keys.Where(k => !own.ContainsKey(k) && !IsBatchCounter(k)).ToList();
        var misshaped = own.Keys
            .Where(source.ContainsKey)
            .Where(k => !own[k].shape.SequenceEqual(source[k].shape))
            .Select(k => $"{k}: file {Shape(source[k])} vs model {Shape(own[k])}")
            .ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new MyopiaException(
                $"{sourceName} does not fit the model: " + string.Join("; ", new[]
                {
                    Listing("missing", missing),
                    Listing("unexpected", unexpected),
                    Listing("mis-shaped", misshaped),
                }.Where(s => s.Length > 0)));

        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in own)
            if (source.TryGetValue(name, out var value))
                tensor.copy_(value);
    }

    private static bool IsBatchCounter(string name) => name == BatchCounter || name.EndsWith("." + BatchCounter, StringComparison.Ordinal);

    private static string Shape(Tensor t) => t.shape.Length == 0 ? "scalar" : string.Join("x", t.shape);

    private static string Listing(string kind, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return "";
        var shown = string.Join(", ", names.Take(ShownPerKind));
        var more = names.Count > ShownPerKind ? $" and {names.Count - ShownPerKind} more" : "";
        return $"{names.Count} {kind} key{(names.Count == 1 ? "" : "s")} ({shown}{more})";
    }
}
