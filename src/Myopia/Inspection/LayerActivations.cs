using System.Collections;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// What an <see cref="ActivationRecorder"/> kept of one forward pass: path -> tensor, enumerated in
/// forward order. Owns its tensors (which belong to no dispose scope): dispose it, or take the tensors
/// out with <see cref="Detach"/>.
/// </summary>
public sealed class LayerActivations : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> ordered;
    private readonly Dictionary<string, Tensor> byPath;

    internal LayerActivations(List<KeyValuePair<string, Tensor>> ordered, IReadOnlyList<RecordedLayer> layers)
    {
        this.ordered = ordered;
        byPath = ordered.ToDictionary(p => p.Key, p => p.Value);
        Layers = layers;
    }

    public static LayerActivations Empty => new([], []);

    /// <summary>The recorded layers, in the same order as the tensors.</summary>
    public IReadOnlyList<RecordedLayer> Layers { get; }

    public Tensor this[string path] => byPath.TryGetValue(path, out var t)
        ? t
        : throw new KeyNotFoundException($"no layer '{path}' was recorded; recorded: {string.Join(", ", Keys)}");

    public IEnumerable<string> Keys => ordered.Select(p => p.Key);
    public IEnumerable<Tensor> Values => ordered.Select(p => p.Value);
    public int Count => ordered.Count;
    public bool ContainsKey(string key) => byPath.ContainsKey(key);

    public bool TryGetValue(string key, out Tensor value) => byPath.TryGetValue(key, out value!);

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => ordered.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Hands the tensors over (in forward order); disposing this object no longer disposes them.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> Detach()
    {
        var tensors = ordered.ToList();
        ordered.Clear();
        byPath.Clear();
        return tensors;
    }

    public void Dispose()
    {
        foreach (var (_, tensor) in ordered) tensor.Dispose();
        ordered.Clear();
        byPath.Clear();
    }
}
