using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Inspection;
using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <param name="MaxShift">Diagonal circular shifts (t, t) for t = 0..MaxShift.</param>
/// <param name="Antialias">0: the model only; m: also its BlurPool-m copy with the same weights.</param>
/// <param name="Batch">Images per forward pass.</param>
/// <param name="Layers">Layers to measure (default: every leaf layer).</param>
public sealed record InternalShiftOptions(int MaxShift = 8, int Antialias = 0, int Batch = 64, LayerSelection? Layers = null);

/// <summary>One layer's distances: its path, type, cumulative stride S and the mean cosine distance at each shift.</summary>
public sealed record LayerShiftDistance(string Model, int Antialias, string Layer, string Type, double Stride, double[] Distance);

public sealed record InternalShiftResult(int Images, int[] Shifts, IReadOnlyList<LayerShiftDistance> Layers) : IAnalysisResult
{
    public IReadOnlyDictionary<string, object> Headline()
    {
        var headline = new Dictionary<string, object> { ["images"] = Images };
        foreach (var group in Layers.GroupBy(l => l.Antialias))
        {
            string prefix = group.Key == 0 ? "" : $"aa{group.Key}_";
            var last = group.Last();
            headline[prefix + "output_mean_distance"] = last.Distance.Skip(1).DefaultIfEmpty(0).Average();
            headline[prefix + "mean_distance"] = group.SelectMany(l => l.Distance.Skip(1)).DefaultIfEmpty(0).Average();
        }
        return headline;
    }
}

/// <summary>
/// Zhang's internal feature distance: for each layer l and circular shift (t, t) of the input, the cosine
/// distance 1 − ⟨a, b⟩ / (|a| |b|) between Shift_{t/S}(F_l(X)) and F_l(Shift_t X), averaged over images,
/// where S is the layer's cumulative stride (input side / map side). A shift that is not a multiple of S
/// moves the map by a fraction of a cell, done by bilinear circular interpolation (<see cref="SubpixelShift"/>);
/// on-grid shifts are exact. Layers whose output is not a map (the head) are compared unshifted. A stride-1
/// circular-padded network gives 0 at every layer; a subsampled one gives 0 only at multiples of S.
/// Forward passes go through <see cref="Classifier.Logits"/>, with an <see cref="ActivationRecorder"/> on the layers.
/// </summary>
public sealed class InternalShiftDistance(Classifier classifier, InternalShiftOptions options) : IAnalysis<InternalShiftResult>
{
    public InternalShiftResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.MaxShift < 1) throw new MyopiaException($"--max-shift must be at least 1, got {options.MaxShift}");
        classifier.RequireLayers("the internal shift distance");
        var shifts = Enumerable.Range(0, options.MaxShift + 1).ToArray();
        var layers = new List<LayerShiftDistance>();
        Measure(classifier, "baseline", 0, shifts, data, layers, progress, cancellation);
        if (options.Antialias > 0)
        {
            using var antialiased = ClassifierSurgery.Antialias(classifier, options.Antialias);
            Measure(antialiased, $"antialias-{options.Antialias}", options.Antialias, shifts, data, layers, progress, cancellation);
        }
        return new InternalShiftResult((int)data.Count, shifts, layers);
    }

    private void Measure(Classifier model, string name, int antialias, int[] shifts, ImageDataset data, List<LayerShiftDistance> layers,
        IProgress<AnalysisProgress>? progress, CancellationToken cancellation)
    {
        var module = model.RequireLayers("the internal shift distance");
        using var recorder = new ActivationRecorder(module, options.Layers ?? LayerSelection.AllLeaves, Recording.Copy);
        var sums = new Dictionary<string, double[]>();
        var order = new List<(string Path, string Type, double Stride)>();
        long side = Math.Min(data.Height, data.Width);
        BatchedInference.Run(model, data, options.Batch, $"{name}: internal shift distance", c =>
        {
            using (model.Logits(c.Images)) { }
            using var reference = recorder.Take();
            if (order.Count == 0)
                foreach (var layer in reference.Layers)
                {
                    var t = reference[layer.Path];
                    double stride = t.dim() == 4 ? (double)side / Math.Min(t.shape[2], t.shape[3]) : double.PositiveInfinity;
                    order.Add((layer.Path, layer.Type, stride));
                    sums[layer.Path] = new double[shifts.Length];
                }
            foreach (var (shift, k) in shifts.Select((s, k) => (s, k)))
            {
                if (shift == 0) continue;
                using var scope = NewDisposeScope();
                using (model.Logits(c.Images.roll([shift, shift], [2, 3]))) { }
                using var moved = recorder.Take();
                foreach (var (path, _, stride) in order)
                {
                    var a = reference[path].to_type(ScalarType.Float32);
                    var b = moved[path].to_type(ScalarType.Float32);
                    if (a.dim() == 4)
                    {
                        double d = shift / stride;
                        a = d == Math.Floor(d) ? a.roll([(long)d, (long)d], [2, 3]) : SubpixelShift.Apply(a, d, d, ShiftBoundary.Circular);
                    }
                    var fa = a.flatten(1);
                    var fb = b.flatten(1);
                    var cosine = (fa * fb).sum([1]) / (fa.pow(2).sum([1]).sqrt() * fb.pow(2).sum([1]).sqrt()).clamp_min(1e-12);
                    sums[path][k] += (1 - cosine).sum().item<float>();
                }
            }
        }, progress, cancellation);
        foreach (var (path, type, stride) in order)
            layers.Add(new LayerShiftDistance(name, antialias, path, type, stride, sums[path].Select(v => v / data.Count).ToArray()));
    }
}
