using static TorchSharp.torch;

namespace Myopia.Models;

/// <summary>
/// Copies a state dict into a module by name, refusing any difference in keys, shapes or dtypes.
/// TorchSharp's <c>load_state_dict</c> checks only the keys and then calls <c>copy_</c>, which would
/// silently broadcast a tensor of the wrong shape.
/// </summary>
public static class StateDictCopy
{
    public static void Copy(IReadOnlyDictionary<string, Tensor> source, nn.Module target, string what = "state dict")
    {
        var destination = target.state_dict();
        var missing = destination.Keys.Except(source.Keys).ToList();
        var unexpected = source.Keys.Except(destination.Keys).ToList();
        if (missing.Count + unexpected.Count > 0)
            throw new MyopiaException($"{what} does not fit the model: {Describe(missing, "missing")}{(missing.Count > 0 && unexpected.Count > 0 ? "; " : "")}{Describe(unexpected, "unexpected")}");
        foreach (var (key, to) in destination)
        {
            var from = source[key];
            if (!from.shape.SequenceEqual(to.shape) || from.dtype != to.dtype)
                throw new MyopiaException($"{what}: {key} is {from.dtype} [{string.Join("x", from.shape)}], the model wants {to.dtype} [{string.Join("x", to.shape)}]");
        }
        using var _ = no_grad();
        foreach (var (key, to) in destination) to.copy_(source[key]);
    }

    /// <summary>Copies <paramref name="source"/>'s whole state (parameters and persistent buffers) into <paramref name="target"/>.</summary>
    public static void Copy(nn.Module source, nn.Module target, string what = "state dict") =>
        Copy(source.state_dict(), target, what);

    private static string Describe(List<string> keys, string kind) =>
        keys.Count == 0 ? "" : $"{keys.Count} {kind} ({string.Join(", ", keys.Take(5))}{(keys.Count > 5 ? ", ..." : "")})";
}
