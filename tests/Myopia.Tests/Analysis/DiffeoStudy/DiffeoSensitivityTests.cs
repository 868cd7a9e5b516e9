using TorchSharp;
using Myopia.Analysis.DiffeoStudy;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>The layer-wise measurement: identities at the input, the hooks against a direct computation, and what it leaves behind.</summary>
public class DiffeoSensitivityTests
{
    private static Module<Tensor, Tensor> SmallNet() => Sequential(
        ("conv1", Conv2d(3, 8, 3, padding: 1)), ("bn1", BatchNorm2d(8)), ("relu1", ReLU()), ("pool", MaxPool2d(2)),
        ("conv2", Conv2d(8, 8, 3, padding: 1)), ("relu2", ReLU()), ("gap", AdaptiveAvgPool2d(1)), ("flat", Flatten()), ("head", Linear(8, 4)));

    private static (Classifier Classifier, Module<Tensor, Tensor> Net, DatasetSplits Data) Setup()
    {
        manual_seed(11);
        var net = SmallNet();
        var data = TinyData.Quadrants(train: 8, test: 40, size: 16);
        var classifier = Classifier.FromModule(net, data.Normalization, data.Test.ClassNames, 16, 16);
        return (classifier, net, data);
    }

    [Fact]
    public void InputIsExactlyOneAndLayersMatchADirectComputation()
    {
        var (classifier, net, data) = Setup();
        using var _ = data;
        var options = new DiffeoOptions(Probes: 30, Batch: 7, Statistics: NormStatistics.Running);
        var result = new DiffeoSensitivity(classifier, options).Run(data.Test);
        var nodes = result.Variants[0].Nodes;
        Assert.Equal("input", nodes[0].Path);
        Assert.Equal(1.0, nodes[0].Sensitivities.R, 10);
        Assert.Equal(["input", "conv1", "bn1", "relu1", "pool", "conv2", "relu2", "gap", "flat", "head"], nodes.Select(n => n.Path).ToArray());
        Assert.Equal(0.0, nodes[0].RelativeDepth);
        Assert.Equal(1.0, nodes[^1].RelativeDepth);

        // Redo the head's D, G, R directly from the definition on the same probes and draws.
        net.eval();
        using var noGrad = no_grad();
        var idx = tensor(result.ProbeIndices);
        var x = classifier.Normalize(data.Test.Images.index_select(0, idx)).to(ScalarType.Float64);
        var generator = new DiffeoGenerator(result.Temperature!.Value, 3);
        long drawSeed = (long)Myopia.Data.Synthetic.SplitMix64.Derive(0, 0xD4A3, 0);
        var tx = cat(Enumerable.Range(0, 5).Select(b => generator.Apply(x.narrow(0, b * 7, Math.Min(7, 30 - b * 7)), b * 7, drawSeed)).ToArray());
        var xn = x + cat(Enumerable.Range(0, 5).Select(b => MatchedNoise.Draw(x.narrow(0, b * 7, Math.Min(7, 30 - b * 7)), tx.narrow(0, b * 7, Math.Min(7, 30 - b * 7)), b * 7, drawSeed)).ToArray());
        net.to(ScalarType.Float64);
        var direct = MeanSensitivity.Direct(net.call(x), net.call(tx), net.call(xn));
        net.to(ScalarType.Float32);
        var head = nodes[^1].Sensitivities;
        Assert.Equal(direct.D, head.D, 1e-9 * Math.Max(1, direct.D));
        Assert.Equal(direct.G, head.G, 1e-9 * Math.Max(1, direct.G));
        Assert.Equal(direct.R, result.Variants[0].Output.R, 1e-9 * Math.Max(1, direct.R));
        var median = MedianSensitivity.Compute(net.to(ScalarType.Float64).call(x), net.call(tx), net.call(xn));
        net.to(ScalarType.Float32);
        Assert.Equal(median.R, result.Variants[0].OutputMedian.R, 1e-9);
    }

    [Fact]
    public void ResultsDoNotDependOnTheBatchAndTheNetworkIsLeftAsItCame()
    {
        var (classifier, net, data) = Setup();
        using var _ = data;
        net.train();
        var before = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var a = new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: 24, Batch: 24, Statistics: NormStatistics.Running, Draws: 2)).Run(data.Test);
        var b = new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: 24, Batch: 5, Statistics: NormStatistics.Running, Draws: 2)).Run(data.Test);
        for (int k = 0; k < a.Variants[0].Nodes.Count; k++)
            Assert.Equal(a.Variants[0].Nodes[k].Sensitivities.R, b.Variants[0].Nodes[k].Sensitivities.R, 1e-9);
        Assert.Equal(2, a.Variants[0].Nodes[^1].PerDraw.Count);
        Assert.NotEqual(a.Variants[0].Nodes[^1].PerDraw[0].D, a.Variants[0].Nodes[^1].PerDraw[1].D);
        // Batch statistics move no running statistics; the module keeps its dtype and training flag.
        new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: 24, Batch: 8, Statistics: NormStatistics.Batch)).Run(data.Test);
        Assert.True(net.training);
        foreach (var (key, value) in net.state_dict())
        {
            Assert.Equal(before[key].dtype, value.dtype);
            Assert.True((value.to_type(ScalarType.Float64) - before[key].to_type(ScalarType.Float64)).abs().max().item<double>() == 0, key);
        }
    }

    [Fact]
    public void BatchStatisticsDifferFromRunningStatistics()
    {
        var (classifier, _, data) = Setup();
        using var __ = data;
        var running = new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: 24, Batch: 12, Statistics: NormStatistics.Running)).Run(data.Test);
        var batch = new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: 24, Batch: 12, Statistics: NormStatistics.Batch)).Run(data.Test);
        Assert.Equal(NormStatistics.Batch, batch.Variants[0].Statistics);
        Assert.NotEqual(running.Variants[0].Nodes[2].Sensitivities.D, batch.Variants[0].Nodes[2].Sensitivities.D);
        // A fresh in-memory network counts as untrained: auto picks batch statistics.
        var auto = new DiffeoSensitivity(classifier, new DiffeoOptions(Probes: 24, Batch: 12)).Run(data.Test);
        Assert.Equal(NormStatistics.Batch, auto.Variants[0].Statistics);
    }

    [Fact]
    public void ProbesAreADistinctSeededChoice()
    {
        var a = DiffeoSensitivity.ChooseProbes(1000, 500, 3);
        Assert.Equal(500, a.Distinct().Count());
        Assert.All(a, i => Assert.InRange(i, 0, 999));
        Assert.Equal(a, DiffeoSensitivity.ChooseProbes(1000, 500, 3));
        Assert.NotEqual(a, DiffeoSensitivity.ChooseProbes(1000, 500, 4));
        Assert.Equal(10, DiffeoSensitivity.ChooseProbes(10, 500, 3).Length);
    }
}
