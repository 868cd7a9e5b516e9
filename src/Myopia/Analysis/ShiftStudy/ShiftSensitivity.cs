using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <param name="Protocol">A preset of <see cref="ShiftProtocols"/>, adapted to the data's image side.</param>
/// <param name="Settings">Changes to the preset's defaults.</param>
/// <param name="Antialias">Empty (or null): the model only; filter sizes m in 1..7: also its BlurPool-m copy for each m
/// (<see cref="ClassifierSurgery.Antialias"/>, the same weights), each measured on exactly the same views.</param>
/// <param name="Batch">Views per forward pass; bounds memory.</param>
public sealed record ShiftOptions(string Protocol, ShiftSettings? Settings = null, IReadOnlyList<int>? Antialias = null, int Batch = 512)
{
    /// <summary>The filter sizes to compare, in the order given, zeros and repeats dropped.</summary>
    public IReadOnlyList<int> FilterSizes => (Antialias ?? []).Where(m => m != 0).Distinct().ToList();
}

/// <summary>
/// How much 1-pixel shifts and rescalings change a network's output (Azulay & Weiss 2019; Zhang 2019):
/// every condition of a protocol, batched: each chunk of images becomes its T views per image, the
/// views go through the network in batches of <see cref="ShiftOptions.Batch"/>, and a
/// <see cref="ShiftTally"/> accumulates P(top-1 change), MAC, accuracy, consistency, the stability
/// curve, per-image rows, jaggedness and the worst case. Every forward pass goes through
/// <see cref="Classifier.Logits"/> (the user's precision and layout).
/// </summary>
public sealed class ShiftSensitivity(Classifier classifier, ShiftOptions options) : IAnalysis<ShiftResult>
{
    public ShiftResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.Batch < 1) throw new MyopiaException($"batch must be at least 1, got {options.Batch}");
        foreach (var m in options.Antialias ?? [])
            if (m is < 0 or > Models.ModelOptions.MaxFilterSize)
                throw new MyopiaException($"--compare-antialias takes 0 (off) or BlurPool filter sizes 1..{Models.ModelOptions.MaxFilterSize}, got {m}");
        Evaluation.FullImageEvaluator.CheckClasses(classifier, data);
        var meanPixel = classifier.Preprocessing.Normalization.Mean.Select(m => m * 255f).ToArray();
        var protocol = ShiftProtocols.Create(options.Protocol, Math.Min(data.Height, data.Width), meanPixel, options.Settings);
        var measurements = new List<ShiftMeasurement>();
        Measure(classifier, "baseline", 0, protocol, data, measurements, progress, cancellation);
        foreach (var m in options.FilterSizes)
        {
            using var antialiased = ClassifierSurgery.Antialias(classifier, m);
            Measure(antialiased, $"antialias-{m}", m, protocol, data, measurements, progress, cancellation);
        }
        return new ShiftResult(protocol.Name, protocol.Description, (int)data.Count, measurements);
    }

    private void Measure(Classifier model, string name, int antialias, ShiftProtocol protocol, ImageDataset data, List<ShiftMeasurement> measurements,
        IProgress<AnalysisProgress>? progress, CancellationToken cancellation)
    {
        foreach (var condition in protocol.Conditions)
        {
            var tally = new ShiftTally(condition);
            int views = condition.Views;
            if (views < 2) throw new MyopiaException($"{condition.Label} gives {views} view per image; the images are too small for this protocol");
            int chunk = Math.Max(1, options.Batch / views);
            BatchedInference.Run(model, data, chunk, $"{name}: {condition.Label}", c =>
            {
                var pixels = data.Read(c.Start, c.Count);
                var built = condition.Build(pixels, c.Start);                                    // n x T x C x H x W
                var flat = built.reshape(c.Count * views, built.shape[2], built.shape[3], built.shape[4]);
                var probabilities = new List<Tensor>();
                for (long s = 0; s < flat.shape[0]; s += options.Batch)
                {
                    long m = Math.Min(options.Batch, flat.shape[0] - s);
                    using var batch = model.Normalize(flat.narrow(0, s, m));
                    using var logits = model.Logits(batch);
                    probabilities.Add(logits.softmax(1));
                }
                using var all = cat(probabilities.ToArray()).view(c.Count, views, -1);
                tally.Add(all, c.Labels, c.Start);
            }, progress, cancellation);
            measurements.Add(tally.Result(name, antialias));
        }
    }
}
