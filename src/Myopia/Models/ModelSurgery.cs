using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// Rebuilds a loaded model with different <see cref="ModelOptions"/> that keep its state-dict keys and
/// shapes, and moves its weights over: a new module, the source untouched.
/// </summary>
public static class ModelSurgery
{
    /// <summary>
    /// The same architecture with BlurPool antialiasing (<paramref name="options"/>.Antialias = m) and the
    /// source's weights and batch-norm statistics. Antialiasing adds no state (the blur filters are
    /// non-persistent buffers), so every entry maps one to one. The result is in the source's train/eval mode.
    /// </summary>
    public static Module<Tensor, Tensor> Antialias(string architecture, ModelOptions options, Module source)
    {
        if (!options.IsAntialiased)
            throw new MyopiaException($"ModelSurgery.Antialias needs a BlurPool filter size (options.Antialias 1..{ModelOptions.MaxFilterSize}), got {options.Antialias}");
        return Rebuild(architecture, options, source);
    }

    /// <summary>The architecture built with <paramref name="options"/>, holding a copy of the source's state.</summary>
    public static Module<Tensor, Tensor> Rebuild(string architecture, ModelOptions options, Module source)
    {
        var target = ModelRegistry.Create(architecture, options);
        try
        {
            StateDictCopy.Copy(source, target, $"the source model's state (as {architecture}, {options.Summary})");
        }
        catch
        {
            target.Dispose();
            throw;
        }
        target.train(source.training);
        return target;
    }
}
