using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// Records the outputs of chosen layers of a model during its forward passes, as timm's FeatureHooks
/// do: addressed by module path, in forward order, each as a detached copy or a reduction computed
/// inside the hook. The model's output is untouched (the hooks return nothing). Disposing removes the
/// hooks and frees whatever was not taken.
/// </summary>
/// <remarks>
/// <para>Run the model with <c>model.call(x)</c> (or <see cref="Record"/>): that call marks where a pass
/// begins; only what the last pass recorded is kept, the rest is freed as the next pass starts, so
/// memory stays flat however many batches go through.</para>
/// <para>Only modules invoked with <c>call</c> fire hooks (every Sequential, and the project's models,
/// call their parts that way); a TorchScript model cannot be hooked and is rejected.</para>
/// <para>A module called twice in one pass (torchvision's BasicBlock calls its one ReLU twice) is
/// recorded twice: <c>layer1.0.relu</c>, then <c>layer1.0.relu#2</c>.</para>
/// </remarks>
public sealed class ActivationRecorder : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly Recording recording;
    private readonly LayerHooks hooks;
    private List<(LayerCall Call, long[] Shape, Tensor Kept)> current = [];
    private List<(LayerCall Call, long[] Shape, Tensor Kept)> last = [];
    private IReadOnlyList<RecordedLayer> layers = [];

    public ActivationRecorder(nn.Module model, LayerSelection? selection = null, Recording? recording = null)
    {
        this.recording = recording ?? Recording.Copy;
        Selection = selection ?? LayerSelection.AllLeaves;
        hooks = new LayerHooks(model, Selection, Keep, StartPass, FinishPass);
        this.model = (nn.Module<Tensor, Tensor>)model;
    }

    public LayerSelection Selection { get; }

    /// <summary>The layers the last forward pass went through, in forward order (empty before the first pass).</summary>
    public IReadOnlyList<RecordedLayer> Layers
    {
        get
        {
            hooks.EndPass();
            return layers;
        }
    }

    /// <summary>Selected layers that did not fire in the last pass: run through <c>forward</c> instead of <c>call</c>, or not on the executed path.</summary>
    public IReadOnlyList<string> NotCalled => hooks.NotCalled;

    /// <summary>Number of hooks this recorder has on the model (0 once disposed).</summary>
    public int HookCount => hooks.HookCount;

    /// <summary>Runs one forward pass of <paramref name="batch"/> and takes what it recorded; the model's output is discarded.</summary>
    public LayerActivations Record(Tensor batch)
    {
        using (model.call(batch)) { }
        return Take();
    }

    /// <summary>
    /// What the last forward pass recorded, path -> tensor in forward order. Ownership moves to the
    /// caller (dispose the result); a second Take without a forward in between returns nothing.
    /// </summary>
    public LayerActivations Take()
    {
        hooks.EndPass();
        var taken = new LayerActivations(last.Select(r => KeyValuePair.Create(r.Call.Path, r.Kept)).ToList(), layers);
        last = [];
        return taken;
    }

    /// <summary>Frees what was recorded and not taken.</summary>
    public void Clear()
    {
        hooks.EndPass();
        Free(last);
    }

    public void Dispose()
    {
        hooks.Dispose();
        Free(current);
        Free(last);
    }

    private void Keep(LayerCall call) => current.Add((call with { Input = null!, Output = null! }, call.Output.shape, recording.Keep(call.Output)));

    private void StartPass()
    {
        Free(current);
    }

    private void FinishPass()
    {
        Free(last);
        last = current;
        current = [];
        layers = last.Select((r, i) => new RecordedLayer(r.Call.Path, r.Call.ModulePath, r.Call.Call, r.Call.Module.GetType().Name, r.Shape,
            last.Count == 1 ? 0 : (double)i / (last.Count - 1))).ToList();
    }

    private static void Free(List<(LayerCall Call, long[] Shape, Tensor Kept)> records)
    {
        foreach (var r in records) r.Kept.Dispose();
        records.Clear();
    }
}
