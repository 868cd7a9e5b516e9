using Myopia.Analysis.DiffeoStudy;
using Myopia.Analysis.DiffeoStudy.ScaleDetection1d;
using Myopia.Data.Synthetic;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary>The 1-D scale-detection experiment: target 6's counts, the split, the net's shapes, initialisation and padding, the perturbations, and that training lowers the loss.</summary>
public class ScaleDetection1dTests
{
    [Fact]
    public void Task2HasTargetSixsCounts()
    {
        var (plus, minus) = ScaleDetection1dData.Classes(new ScaleDetection1dOptions());
        Assert.Equal(8_128, plus.Count + minus.Count);
        Assert.Equal(1_984, plus.Count);
        Assert.All(plus, p => Assert.Equal(p.First / 32, p.Second / 32));
        Assert.All(minus, p => Assert.NotEqual(p.First / 32, p.Second / 32));
    }

    [Fact]
    public void Task1CountsPeriodicDistances()
    {
        // n = 128, xi = 32, gap 0: each site has 31 partners on either side closer than 32 (periodically): 128·31 pairs.
        var (plus, minus) = ScaleDetection1dData.Classes(new ScaleDetection1dOptions(Task: 1));
        Assert.Equal(128 * 31, plus.Count);
        Assert.Equal(8_128 - 128 * 31, minus.Count);
        var (plusGap, minusGap) = ScaleDetection1dData.Classes(new ScaleDetection1dOptions(Task: 1, Gap: 2));
        Assert.Equal(128 * 29, plusGap.Count);
        Assert.Equal(8_128 - 128 * 33, minusGap.Count);
    }

    [Fact]
    public void SplitIsBalancedAndDisjointWithPlusLabelledMinusOne()
    {
        var data = new ScaleDetection1dData(new ScaleDetection1dOptions());
        Assert.Equal(1024, data.Train.Count);
        Assert.Equal(128, data.Validation.Count);
        Assert.Equal(2 * 1984 - 1024 - 128, data.Test.Count);
        foreach (var split in new[] { data.Train, data.Validation, data.Test })
            Assert.Equal(split.Count / 2, split.Count(p => p.Label == -1));
        Assert.All(data.Train.Concat(data.Test), p => Assert.Equal(p.First / 32 == p.Second / 32 ? -1 : 1, p.Label));
        var keys = new HashSet<(int, int)>();
        foreach (var p in data.Train.Concat(data.Validation).Concat(data.Test)) Assert.True(keys.Add((p.First, p.Second)));
        using var x = data.Signals(data.Train);
        Assert.Equal([1024L, 1, 128], x.shape);
        using var norms = x.square().sum([1, 2]);
        Assert.All(norms.data<float>().ToArray(), v => Assert.Equal(128f, v, 3));
    }

    [Fact]
    public void PaddingIsTheAuthorsAndCircular()
    {
        Assert.Equal((0, 1), ScaleDetection1dNet.Padding(2));
        Assert.Equal((1, 1), ScaleDetection1dNet.Padding(3));
        Assert.Equal((1, 2), ScaleDetection1dNet.Padding(4));
        using var x = arange(4, ScalarType.Float32).view(1, 1, 4);
        using var two = ScaleDetection1dNet.PadCircular(x, 0, 1);
        Assert.Equal([0f, 1, 2, 3, 0], two.data<float>().ToArray());
        using var four = ScaleDetection1dNet.PadCircular(x, 1, 2);
        Assert.Equal([3f, 0, 1, 2, 3, 0, 1], four.data<float>().ToArray());
        // The same as PyTorch's circular padding.
        using var reference = nn.functional.pad(x, [1, 2], TorchSharp.PaddingModes.Circular);
        Assert.Equal(reference.data<float>().ToArray(), four.data<float>().ToArray());
    }

    [Fact]
    public void NetHasTheAuthorsShapesAndInitialisation()
    {
        using var net = new ScaleDetection1dNet(blocks: 7, width: 64, filterSize: 2, seed: 1);
        Assert.Equal(7, net.ConvWeights.Count);
        Assert.Equal([64L, 1, 2], net.ConvWeights[0].shape);
        Assert.Equal([64L, 64, 2], net.ConvWeights[6].shape);
        Assert.Equal(64 * 1 * 2 + 6 * 64 * 64 * 2 + 7 * 64 + 64 + 1, net.parameters().Sum(p => p.numel()));
        // Raw parameters N(0, 1): over the 6·8192 hidden weights, mean within ±0.03 and variance within ±0.03 (6 standard errors).
        using var hidden = cat(net.ConvWeights.Skip(1).Select(w => w.detach().flatten()).ToList(), 0);
        Assert.InRange(hidden.mean().item<float>(), -0.03, 0.03);
        Assert.InRange(hidden.var().item<float>(), 0.97, 1.03);
        using var input = new ScaleDetection1dData(new ScaleDetection1dOptions()).Signals(new List<SitePair> { new(3, 40, 1), new(0, 127, 1) });
        using var scope = NewDisposeScope();
        var activations = net.Activations(input);
        for (int k = 0; k < 7; k++) Assert.Equal([2L, 64, 128 >> (k + 1)], activations[k].shape);
        var o = net.call(input);
        Assert.Equal([2L], o.shape);
        // Block 1 by hand: √2·relu(W/√2 · [x_2i, x_2i+1] + b) with the circular site after the last.
        var w = net.ConvWeights[0].detach();
        var b = net.ConvBiases[0].detach();
        var padded = ScaleDetection1dNet.PadCircular(input, 0, 1);
        var manual = Math.Sqrt(2) * nn.functional.relu(
            einsum("hf,npf->nhp", w.squeeze(1) / Math.Sqrt(2), padded.squeeze(1).unfold(1, 2, 2)) + b.view(1, -1, 1));
        Assert.True(manual.allclose(activations[0], 1e-5, 1e-5));
        // Readout: b + β·mean(last)/H.
        var readout = net.ReadoutBias.detach() + activations[6].mean([-1]).matmul(net.Beta.detach()) / 64;
        Assert.True(readout.allclose(o, 1e-5, 1e-5));
        Assert.Equal(net.ConvWeights.Sum(p => p.detach().square().sum().item<float>()) / (64.0 * 7), net.WeightNorm().item<float>(), 2);
    }

    [Fact]
    public void SiteShiftMovesByOneWithinTheBlock()
    {
        var pairs = new List<SitePair> { new(0, 31, 1), new(32, 127, 1), new(10, 50, 1) };
        int moved = 0, total = 0;
        for (long seed = 0; seed < 200; seed++)
            foreach (var ((first, second), pair) in SiteShift.Apply(pairs, 128, 32, seed).Zip(pairs))
                foreach (var (before, after) in new[] { (pair.First, first), (pair.Second, second) })
                {
                    Assert.InRange(after - before, -1, 1);
                    Assert.Equal(before / 32, after / 32);
                    Assert.InRange(after, 0, 127);
                    total++;
                    if (after != before) moved++;
                }
        // Sites at a block edge (0, 31, 32, 127) move only one way: 4 of the 6 sites move w.p. 1/2, the two interior ones always.
        Assert.InRange(moved / (double)total, 4.0 / 6 * 0.5 + 2.0 / 6 - 0.06, 4.0 / 6 * 0.5 + 2.0 / 6 + 0.06);
        Assert.Equal(SiteShift.Apply(pairs, 128, 32, 5), SiteShift.Apply(pairs, 128, 32, 5));
    }

    [Fact]
    public void RectifiedNoiseIsPositiveWithTheDiffeosMeanSquare()
    {
        using var clean = zeros(400, 1, 128);
        using var deformed = clean.clone();
        deformed[.., 0, 5] = tensor(8f);
        double variance = RectifiedNoise.Variance(clean, deformed);
        Assert.Equal(64.0 / 128, variance, 10);
        using var noisy = RectifiedNoise.Apply(clean, variance, seed: 3);
        Assert.True((noisy - clean).min().item<float>() >= 0);
        double sigma = Math.Sqrt(variance);
        // ReLU of N(0, σ²): mean σ/√(2π), mean square σ²/2.
        Assert.Equal(sigma / Math.Sqrt(2 * Math.PI), noisy.mean().item<float>(), 2);
        Assert.Equal(variance / 2, noisy.square().mean().item<float>(), 2);
    }

    [Fact]
    public void StreamedBlockSensitivitiesEqualTheDirectFormula()
    {
        // The experiment streams 200 probes at a time; the estimator must equal its all-pairs definition.
        using var net = new ScaleDetection1dNet(blocks: 5, width: 8, filterSize: 2, seed: 4);
        var options = new ScaleDetection1dOptions(Length: 32, Xi: 8, TrainCount: 64, ValidationCount: 16);
        var data = new ScaleDetection1dData(options);
        var probes = data.Test.Take(450).ToList();
        using var clean = data.Signals(probes);
        using var deformed = ScaleDetection1dData.Signals(SiteShift.Apply(probes, 32, 8, 1), 32, options.Amplitude);
        using var noisy = RectifiedNoise.Apply(clean, RectifiedNoise.Variance(clean, deformed), 1);
        var streamed = ScaleDetection1dExperiment.Measure(net, clean, deformed, noisy);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = net.Activations(clean);
        var ad = net.Activations(deformed);
        var an = net.Activations(noisy);
        for (int k = 0; k < 5; k++)
        {
            var direct = MeanSensitivity.Direct(a[k].mean([1]), ad[k].mean([1]), an[k].mean([1]));
            // The net is float32: the streamed estimator takes differences in float32 (sums in float64), the direct one in float64.
            Assert.Equal(direct.D, streamed[k + 1].D, 1e-6 * Math.Max(1, direct.D));
            Assert.Equal(direct.G, streamed[k + 1].G, 1e-6 * Math.Max(1, direct.G));
        }
    }

    [Fact]
    public void TinyConfigurationTrainsToALowerLoss()
    {
        var options = new ScaleDetection1dOptions(Length: 32, Xi: 8, Width: 32, TrainCount: 128, ValidationCount: 16, Probes: 40,
            EpochsAfterZeroLoss: 0, MaxEpochs: 15, Seed: 2);
        var data = new ScaleDetection1dData(options);
        using var net = new ScaleDetection1dNet(options.Blocks, options.Width, options.FilterSize, options.Seed);
        double before = ScaleDetection1dTrainer.HingeLoss(net, data, data.Train);
        var training = ScaleDetection1dTrainer.Train(net, data);
        double after = ScaleDetection1dTrainer.HingeLoss(net, data, data.Train);
        Assert.True(after < 0.8 * before, $"hinge loss {before:F3} -> {after:F3}");
        Assert.True(training.History[^1].HingeLoss < training.History[0].HingeLoss);
    }

    [Fact]
    public void ExperimentMeasuresEveryBlockAtInitAndTrained()
    {
        var options = new ScaleDetection1dOptions(Length: 32, Xi: 8, Width: 16, TrainCount: 64, ValidationCount: 16, Probes: 40, EpochsAfterZeroLoss: 0, MaxEpochs: 2);
        var result = new ScaleDetection1dExperiment(options).Run();
        Assert.Equal(6, result.Blocks.Count);
        Assert.Equal([32, 16, 8, 4, 2, 1], result.Blocks.Select(b => b.Positions));
        // At the input the rectified noise has half the diffeo's mean square: G_0 = D_0 / 2 exactly in expectation.
        Assert.Equal(2.0, result.Blocks[0].Init.R, 0.3);
        Assert.Equal(result.Blocks[0].Init, result.Blocks[0].Trained);
        Assert.All(result.Blocks, b => Assert.True(double.IsFinite(b.Trained.D) && b.Trained.D >= 0));
        Assert.Equal(2, result.Training.Epochs);
        Assert.Contains("d_last_trained", result.Headline().Keys);
    }

    [Fact]
    public void CliRunsATinyConfigurationAndRefusesBadInput()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-scale1d-{Guid.NewGuid():N}");
        try
        {
            var o = CliProcess.Run("scale-detection", "--n", "32", "--xi", "8", "--width", "8", "--train", "64", "--probes", "20",
                "--epochs", "0", "--max-epochs", "1", "--threads", "1", "--out", dir, "--json");
            Assert.True(o.ExitCode == 0, o.Stderr);
            Assert.Contains("\"d_last_trained\"", o.Stdout);
            foreach (var file in new[] { "scale1d.csv", "scale1d.json", "scale1d.png" }) Assert.True(File.Exists(Path.Combine(dir, file)), file);
            var rows = File.ReadAllLines(Path.Combine(dir, "scale1d.csv"));
            Assert.Equal("block,positions,d_init,g_init,r_init,d_trained,g_trained,r_trained", rows[0]);
            Assert.Equal(1 + 6, rows.Length);

            var bad = CliProcess.Run("scale-detection", "--n", "100", "--out", dir + "-bad");
            Assert.Equal(2, bad.ExitCode);
            var lines = bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, l => l.StartsWith("error: "));
            Assert.Contains("power of 2", lines[^1]);
            Assert.Equal(2, CliProcess.Run("scale-detection", "--task", "3").ExitCode);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
