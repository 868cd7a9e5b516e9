using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// Forward hooks on the selected layers of a model that report every call in forward order (the order
/// of the calls within a pass, not of registration), named by module path, and delimit forward passes.
/// Removes every hook it added when disposed.
/// </summary>
/// <remarks>
/// A pass starts when the model itself is invoked with <c>call</c> (a pre-hook on the root) and ends when
/// that call returns. When the model is run some other way (its <c>forward</c> directly, or a method such
/// as <c>SpatialLogits</c> that calls its parts), the layers still fire and a pass is taken to restart
/// when the layer that opened it fires again, or when the owner ends it with <see cref="EndPass"/>.
/// Hooks only fire for modules invoked with <c>call</c>; a layer a parent runs through <c>forward</c>
/// is invisible, and shows in <see cref="NotCalled"/>.
/// </remarks>
internal sealed class LayerHooks : IDisposable
{
    private readonly List<Action> removers = [];
    private readonly Dictionary<nn.Module, string> pathOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, int> callsThisPass = new(ReferenceEqualityComparer.Instance);
    private readonly Action<LayerCall> onCall;
    private readonly Action onPassStart;
    private readonly Action onPassEnd;
    private bool passOpen;
    private bool passStartedByRoot;
    private nn.Module? firstOfPass;

    public LayerHooks(nn.Module model, LayerSelection selection, Action<LayerCall> onCall, Action? onPassStart = null, Action? onPassEnd = null)
    {
        this.onCall = onCall;
        this.onPassStart = onPassStart ?? (() => { });
        this.onPassEnd = onPassEnd ?? (() => { });
        var root = Hookable(model);
        foreach (var (path, module) in selection.Select(model))
        {
            if (pathOf.ContainsKey(module)) continue; // one module registered under two paths: hooked once, named by its first path
            if (module is jit.ScriptModule)
                throw new MyopiaException($"layer '{path}' is a TorchScript module: its layers cannot be recorded; load it as a state_dict with its architecture to analyse layers");
            if (module is not nn.Module<Tensor, Tensor> layer)
            {
                if (selection.NamesLayers)
                    throw new MyopiaException($"layer '{path}' ({module.GetType().Name}) does not map one tensor to one tensor: it cannot be recorded");
                continue;
            }
            pathOf[module] = path;
            var remover = layer.register_forward_hook((m, input, output) => { Report(m, input, output); return null!; });
            removers.Add(remover.remove);
        }
        var start = root.register_forward_pre_hook((_, _) => { StartPass(byRoot: true); return null!; });
        removers.Add(start.remove);
        // Registered after the layers' hooks, so that when the model is its own only layer it is reported before the pass ends.
        var end = root.register_forward_hook((_, _, _) => { EndPass(); return null!; });
        removers.Add(end.remove);
    }

    /// <summary>Hooked layers that did not fire in the current or last pass (run through <c>forward</c>, or off the executed path).</summary>
    public IReadOnlyList<string> NotCalled => pathOf.Where(p => !callsThisPass.ContainsKey(p.Key)).Select(p => p.Value).ToList();

    public int HookCount => removers.Count;

    /// <summary>Closes the open pass, if any; the next layer to fire opens a new one.</summary>
    public void EndPass()
    {
        if (!passOpen) return;
        passOpen = false;
        onPassEnd();
    }

    public void Dispose()
    {
        foreach (var remove in removers) remove();
        removers.Clear();
    }

    /// <summary>The model as a module whose calls fire hooks, or a one-line error saying why it is not one.</summary>
    public static nn.Module<Tensor, Tensor> Hookable(nn.Module model) => model switch
    {
        // Not GetName(): on a TorchScript module it asks the native side for a name it does not have.
        jit.ScriptModule => throw new MyopiaException(
            "this model is a TorchScript model: its layers cannot be recorded; load it as a state_dict with its architecture to analyse layers"),
        nn.Module<Tensor, Tensor> m => m,
        _ => throw new MyopiaException($"'{model.GetName()}' ({model.GetType().Name}) does not map one tensor to one tensor: its layers cannot be recorded"),
    };

    private void StartPass(bool byRoot)
    {
        EndPass();
        passOpen = true;
        passStartedByRoot = byRoot;
        firstOfPass = null;
        callsThisPass.Clear();
        onPassStart();
    }

    private void Report(nn.Module<Tensor, Tensor> module, Tensor input, Tensor output)
    {
        if (!passOpen || (!passStartedByRoot && ReferenceEquals(module, firstOfPass)))
            StartPass(byRoot: false);
        firstOfPass ??= module;
        var call = callsThisPass[module] = callsThisPass.GetValueOrDefault(module) + 1;
        var modulePath = pathOf[module];
        onCall(new LayerCall(LayerCall.Name(modulePath, call), modulePath, call, module, input, output));
    }
}
