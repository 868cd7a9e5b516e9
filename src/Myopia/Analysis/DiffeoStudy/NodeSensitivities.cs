using Myopia.Inspection;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>Which of the three passes of a batch the network is running.</summary>
internal enum NodePhase { Clean, Deformed, Noisy }

/// <summary>
/// Forward hooks that feed one <see cref="MeanSensitivity"/> per layer: during the clean pass of a batch
/// each layer's output is kept (a copy: a Sequential frees it, an in-place ReLU overwrites it); during
/// the deformed and noisy passes each output is compared with the kept one inside the hook and only the
/// squared distance survives. Layers are named by module path (with #2 for a second call) in forward order.
/// </summary>
internal sealed class NodeSensitivities : IDisposable
{
    private readonly LayerHooks hooks;
    private readonly Dictionary<string, Tensor> kept = [];
    private readonly Dictionary<string, MeanSensitivity> sums = [];
    private readonly List<(string Path, string Type, long[] Shape)> order = [];
    private readonly HashSet<string> seen = [];
    private NodePhase phase;
    private Tensor? lastOutput;

    public NodeSensitivities(nn.Module network, LayerSelection? layers)
    {
        var selection = layers ?? LayerSelection.AllLeaves;
        if (selection.Select(network).Count == 0)
            throw new MyopiaException($"no layer of the network is among the {selection}; see 'myopia model inspect' for its module paths");
        hooks = new LayerHooks(network, selection, Observe);
    }

    /// <summary>True when the last layer's output of the last clean pass was the network's output itself (see <see cref="CompareWithOutput"/>).</summary>
    public bool LastLayerIsOutput { get; private set; }

    public void Reset()
    {
        foreach (var s in sums.Values) s.Dispose();
        sums.Clear();
        FreeKept();
        order.Clear();
        seen.Clear();
    }

    public void Begin(NodePhase next)
    {
        hooks.EndPass();
        phase = next;
        if (next == NodePhase.Clean) FreeKept();
    }

    /// <summary>Closes the batch's last pass.</summary>
    public void End()
    {
        hooks.EndPass();
    }

    /// <summary>Records, after the clean pass, whether the output differs from the last layer's output.</summary>
    public void CompareWithOutput(Tensor networkOutput)
    {
        LastLayerIsOutput = lastOutput is not null && lastOutput.shape.SequenceEqual(networkOutput.shape) && (lastOutput - networkOutput.to_type(lastOutput.dtype)).abs().max().to_type(ScalarType.Float64).item<double>() == 0;
    }

    public IReadOnlyList<(string Path, string Type, long[] Shape, Sensitivities S)> Results() =>
        order.Select(o => (o.Path, o.Type, o.Shape, sums[o.Path].Result())).ToList();

    private void Observe(LayerCall call)
    {
        if (call.Module is TorchSharp.Modules.Dropout or TorchSharp.Modules.Dropout2d) return;
        using var detached = call.Output.detach();
        switch (phase)
        {
            case NodePhase.Clean:
                if (seen.Add(call.Path)) order.Add((call.Path, call.Module.GetType().Name, detached.shape.Skip(1).ToArray()));
                if (!sums.TryGetValue(call.Path, out var s)) sums[call.Path] = s = new MeanSensitivity();
                s.AddClean(detached);
                var copy = detached.clone().DetachFromDisposeScope();
                if (kept.Remove(call.Path, out var old)) old.Dispose();
                kept[call.Path] = copy;
                lastOutput = copy;
                break;
            case NodePhase.Deformed:
                sums[call.Path].AddDeformed(kept[call.Path], detached);
                break;
            case NodePhase.Noisy:
                sums[call.Path].AddNoisy(kept[call.Path], detached);
                break;
        }
    }

    private void FreeKept()
    {
        foreach (var t in kept.Values) t.Dispose();
        kept.Clear();
        lastOutput = null;
    }

    public void Dispose()
    {
        hooks.Dispose();
        FreeKept();
        foreach (var s in sums.Values) s.Dispose();
    }
}
