using System.Runtime.InteropServices;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// Lists a model's leaf layers in forward order with their output shapes, own parameters, receptive
/// field and cumulative stride, by running one image through it, so that per-layer measurements
/// (recorded by module path, as <see cref="ActivationRecorder"/> does) can be read against the
/// architecture. The model is left in the mode it was in.
/// </summary>
public static class ModelInspector
{
    public static ModelSummary Inspect(nn.Module model, ImageShape input)
    {
        LayerHooks.Hookable(model);
        var rows = new List<LayerSummary>();
        var parameter = model.parameters().FirstOrDefault();
        using var eval = new EvalModeScope(model);
        using var scope = NewDisposeScope();
        var image = zeros(input.Batch(), dtype: parameter?.dtype ?? ScalarType.Float32, device: parameter?.device);
        var tracker = new ReceptiveFieldTracker(image);
        var counted = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
        long[] outputShape;
        using (var hooks = new LayerHooks(model, LayerSelection.AllLeaves, call =>
               {
                   var (field, shortcut) = tracker.Observe(call);
                   var own = counted.Add(call.Module) ? call.Module.parameters(recurse: false).Sum(p => p.numel()) : 0;
                   rows.Add(new LayerSummary(call.Path, call.Module.GetType().Name, call.Output.shape, own,
                       field.Field, field.Side is null ? null : field.Jump, field.Start, shortcut));
               }))
        {
            outputShape = Run((nn.Module<Tensor, Tensor>)model, image, input);
        }
        var parameters = model.parameters().ToList();
        return new ModelSummary(model.GetName(), input.Batch(), outputShape,
            parameters.Sum(p => p.numel()), parameters.Where(p => p.requires_grad).Sum(p => p.numel()),
            model.buffers().Sum(b => b.numel()), rows);
    }

    private static long[] Run(nn.Module<Tensor, Tensor> model, Tensor image, ImageShape input)
    {
        try
        {
            using var output = model.call(image);
            return output.shape;
        }
        catch (Exception e) when (e is ExternalException or ArgumentException)
        {
            // libtorch's message (ExternalException) is many lines with a C++ trace; its first line says what went
            // wrong. TorchSharp's own shape checks throw ArgumentException.
            throw new MyopiaException($"{model.GetName()} cannot run on a {input} input: {e.Message.Split('\n')[0].Trim()}", e);
        }
    }
}
