using TorchSharp;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Data.Synthetic;
using Myopia.Inspection;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// How much a network's representations move under smooth deformations against noise of the same norm
/// (Petrini et al. 2021; Tomasini et al. 2023): D, G and R at the input, at every layer and at the output,
/// for P probe images and several independent draws, of the network given and, on request, of its
/// fresh-weights copy and its channel-shuffled copy on exactly the same probes and draws.
/// </summary>
/// <remarks>
/// <para>Deformations act on normalised images, as the authors apply them. Each batch of probes goes
/// through the network three times (clean, deformed, noisy); hooks on the layers keep the clean
/// activations of the batch and reduce the two perturbed passes into the estimators' sums as they happen,
/// so memory holds one batch's clean activations, whatever P is.</para>
/// <para>Nodes are the input, every leaf layer in forward order (dropout excluded) and the output when
/// it is not the last layer's output (a scaling after the head). Additions of residual blocks are not
/// modules and are not nodes, unlike in the authors' traced graphs.</para>
/// </remarks>
public sealed class DiffeoSensitivity(Classifier classifier, DiffeoOptions options) : IAnalysis<DiffeoResult>
{
    public DiffeoResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        Evaluation.FullImageEvaluator.CheckClasses(classifier, data);
        if (data.Channels != classifier.Preprocessing.Channels)
            throw new MyopiaException($"{classifier.Label} takes {classifier.Preprocessing.Channels}-channel images but {data.Name} has {data.Channels}");
        classifier.CheckInputSide(data.Height, data.Width, $"the image side of {data.Name} ({data.Height}x{data.Width}),");
        double side = Math.Sqrt((double)data.Height * data.Width);
        double? temperature = options.Deformation is null ? options.Temperature ?? DiffeoTemperature.ForDisplacement(options.Displacement, side, options.Cutoff) : null;
        var deformation = options.Deformation ?? new DiffeoGenerator(temperature!.Value, options.Cutoff, options.Interpolation);
        var indices = ChooseProbes(data.Count, options.Probes, options.Seed);

        var variants = new List<DiffeoVariant>();
        bool untrained = classifier.Card.Format == ModelFormat.Registry;
        variants.Add(Measure(classifier, untrained ? "untrained" : "trained", Resolve(options.Statistics, untrained), deformation, data, indices, progress, cancellation));
        if (options.CompareInit)
        {
            using var initial = ClassifierSurgery.FreshWeights(classifier, options.InitSeed);
            variants.Add(Measure(initial, "init", Resolve(NormStatistics.Auto, untrained: true), deformation, data, indices, progress, cancellation));
        }
        if (options.CompareShuffle)
        {
            using var shuffled = ClassifierSurgery.ShuffleChannels(classifier, options.ShuffleSeed);
            variants.Add(Measure(shuffled, "shuffled", Resolve(options.Statistics, untrained), deformation, data, indices, progress, cancellation));
        }
        return new DiffeoResult(data.Name, indices.Length, indices, deformation.Description, temperature,
            temperature is { } t ? DiffeoTemperature.Displacement(t, side, options.Cutoff) : null, options.Cutoff,
            WarpInterpolations.Name(options.Interpolation), options.Draws, options.Seed, options.Float64, variants);
    }

    /// <summary>P distinct indices of <paramref name="count"/>, a seeded random choice (a partial Fisher-Yates shuffle); all when P ≥ count.</summary>
    public static long[] ChooseProbes(long count, int probes, long seed)
    {
        var order = new long[count];
        for (long i = 0; i < count; i++) order[i] = i;
        var random = new SplitMix64(SplitMix64.Derive(seed, 0x9B0BE5, 0));
        long take = Math.Min(probes, count);
        for (long i = 0; i < take; i++)
        {
            long j = i + (long)(random.UniformDouble() * (count - i));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order[..(int)take];
    }

    private static NormStatistics Resolve(NormStatistics requested, bool untrained) =>
        requested != NormStatistics.Auto ? requested : untrained ? NormStatistics.Batch : NormStatistics.Running;

    private DiffeoVariant Measure(Classifier model, string name, NormStatistics statistics, IDeformation deformation, ImageDataset data, long[] indices,
        IProgress<AnalysisProgress>? progress, CancellationToken cancellation)
    {
        var network = options.LayerWise ? model.RequireLayers("layer-wise sensitivities") : (nn.Module)model.Network;
        var dtype = options.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        using var probe = options.LayerWise ? new NodeSensitivities(network, options.Layers) : null;
        var perDraw = new List<(List<(string Path, string Type, long[] Shape, Sensitivities S)> Nodes, Sensitivities Output, Sensitivities Median, double Accuracy)>();
        string stage = $"{name}: D, G, R";
        long total = (long)indices.Length * options.Draws;
        progress?.Report(new AnalysisProgress(stage, 0, total));
        if (options.Float64) model.Module.to(ScalarType.Float64);
        try
        {
            using var norms = new NormStatisticsScope(model.Module, statistics == NormStatistics.Batch);
            using var noGrad = no_grad();
            for (int draw = 0; draw < options.Draws; draw++)
            {
                long drawSeed = (long)SplitMix64.Derive(options.Seed, 0xD4A3, draw);
                using var input = new MeanSensitivity();
                using var output = new MeanSensitivity();
                probe?.Reset();
                var clean = new List<Tensor>();
                var deformedOut = new List<Tensor>();
                var noisyOut = new List<Tensor>();
                long correct = 0;
                try
                {
                    for (int start = 0; start < indices.Length; start += options.Batch)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        int n = Math.Min(options.Batch, indices.Length - start);
                        using var index = tensor(indices[start..(start + n)]);
                        var pixels = data.Gather(index);
                        var labels = data.Labels.index_select(0, index).to(model.Device);
                        var normalized = model.Normalize(pixels).to(dtype);
                        var x = deformation.Reference(normalized);
                        var tx = deformation.Apply(normalized, start, drawSeed);
                        var xn = x + MatchedNoise.Draw(x, tx, start, drawSeed);
                        input.Add(x, tx, xn);

                        probe?.Begin(NodePhase.Clean);
                        var fx = Forward(model, x);
                        probe?.CompareWithOutput(fx);
                        probe?.Begin(NodePhase.Deformed);
                        var ftx = Forward(model, tx);
                        probe?.Begin(NodePhase.Noisy);
                        var fxn = Forward(model, xn);
                        probe?.End();
                        output.Add(fx, ftx, fxn);
                        correct += fx.argmax(1).eq(labels).sum().item<long>();
                        clean.Add(fx.to_type(ScalarType.Float64).cpu().DetachFromDisposeScope());
                        deformedOut.Add(ftx.to_type(ScalarType.Float64).cpu().DetachFromDisposeScope());
                        noisyOut.Add(fxn.to_type(ScalarType.Float64).cpu().DetachFromDisposeScope());
                        progress?.Report(new AnalysisProgress(stage, (long)draw * indices.Length + start + n, total));
                    }
                    using var all = cat(clean.ToArray());
                    using var allDeformed = cat(deformedOut.ToArray());
                    using var allNoisy = cat(noisyOut.ToArray());
                    var median = MedianSensitivity.Compute(all, allDeformed, allNoisy);
                    var nodes = new List<(string, string, long[], Sensitivities)> { ("input", "Input", [data.Channels, data.Height, data.Width], input.Result()) };
                    if (probe is not null)
                    {
                        var layers = probe.Results();
                        nodes.AddRange(layers);
                        // The output is its own node only when the last layer's output is not already the logits.
                        if (layers.Count == 0 || !probe.LastLayerIsOutput)
                            nodes.Add(("output", "Output", [all.shape[1]], output.Result()));
                    }
                    else nodes.Add(("output", "Output", [all.shape[1]], output.Result()));
                    perDraw.Add((nodes, output.Result(), median, (double)correct / indices.Length));
                }
                finally
                {
                    foreach (var t in clean.Concat(deformedOut).Concat(noisyOut)) t.Dispose();
                }
            }
        }
        finally
        {
            if (options.Float64) model.Module.to(ScalarType.Float32);
        }

        var first = perDraw[0].Nodes;
        var combined = first.Select((node, k) =>
        {
            var draws = perDraw.Select(d => d.Nodes[k].S).ToList();
            double depth = first.Count == 1 ? 0 : (double)k / (first.Count - 1);
            return new DiffeoNode(node.Path, node.Type, node.Shape, depth, Sensitivities.ArithmeticMean(draws), draws);
        }).ToList();
        return new DiffeoVariant(name, model.Label, statistics, perDraw.Average(d => d.Accuracy),
            Sensitivities.ArithmeticMean(perDraw.Select(d => d.Output).ToList()),
            Sensitivities.GeometricMean(perDraw.Select(d => d.Median).ToList()), combined);
    }

    private Tensor Forward(Classifier model, Tensor x) =>
        options.Float64 ? model.Network.call(x) : model.Logits(x);
}
