using System.Diagnostics;
using Myopia.Data.Synthetic;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>One epoch of the 1-D training: mean hinge loss over its batches (without the penalty), the penalty term, training error.</summary>
public sealed record ScaleDetection1dEpoch(int Epoch, double HingeLoss, double Penalty, double TrainError);

/// <summary>How the 1-D training went: epochs run, the first epoch with zero training loss (null: never), final errors.</summary>
public sealed record ScaleDetection1dTraining(
    int Epochs, int? ZeroLossEpoch, double FinalHingeLoss, double TrainError, double ValidationError, double TestError, double Seconds,
    IReadOnlyList<ScaleDetection1dEpoch> History);

/// <summary>
/// The authors' training of the 1-D net (ScaleDetection_SGD.py): plain SGD (no momentum, no weight decay) with
/// lr = 0.01·H, batch 8, full batches only, loss = mean hinge relu(1 − y·o) + λ·Σ_l ‖W_l‖²/(H·L). Trains until
/// an epoch whose every batch had zero hinge loss, then <see cref="ScaleDetection1dOptions.EpochsAfterZeroLoss"/>
/// more epochs (the authors continue to 500 times the epoch of zero loss, with zero validation error), never
/// beyond <see cref="ScaleDetection1dOptions.MaxEpochs"/>. Batches are drawn by a permutation per (seed, epoch).
/// </summary>
public static class ScaleDetection1dTrainer
{
    public static ScaleDetection1dTraining Train(ScaleDetection1dNet net, ScaleDetection1dData data,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        var options = data.Options;
        var clock = Stopwatch.StartNew();
        using var x = data.Signals(data.Train);
        using var y = ScaleDetection1dData.Labels(data.Train);
        using var optimizer = optim.SGD(net.parameters(), options.LearningRate, momentum: 0);
        int n = data.Train.Count, batches = n / options.Batch;
        if (batches == 0) throw new MyopiaException($"--batch {options.Batch} is larger than the {n} training signals");
        var history = new List<ScaleDetection1dEpoch>();
        int? zeroEpoch = null;
        net.train();
        for (int epoch = 0; epoch < options.MaxEpochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var order = Permutation(n, SplitMix64.Derive(options.Seed, 0xE90C, epoch));
            double hingeSum = 0, penalty = 0;
            long wrong = 0;
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                using var index = tensor(order.AsSpan(b * options.Batch, options.Batch).ToArray());
                var xb = x.index_select(0, index);
                var yb = y.index_select(0, index);
                var o = net.call(xb);
                var hinge = nn.functional.relu(1 - yb * o).mean();
                var weightNorm = net.WeightNorm();
                var loss = options.Ridge > 0 ? hinge + options.Ridge * weightNorm : hinge;
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                hingeSum += hinge.item<float>();
                penalty += options.Ridge * weightNorm.item<float>();
                wrong += (yb * o.detach()).lt(0).sum().item<long>();
            }
            var record = new ScaleDetection1dEpoch(epoch + 1, hingeSum / batches, penalty / batches, (double)wrong / (batches * options.Batch));
            history.Add(record);
            if (record.HingeLoss == 0 && zeroEpoch is null) zeroEpoch = epoch + 1;
            progress?.Report(new AnalysisProgress("training (epochs)", epoch + 1, options.MaxEpochs));
            if (zeroEpoch is { } z && epoch + 1 >= z + options.EpochsAfterZeroLoss) break;
        }
        net.eval();
        var last = history.LastOrDefault();
        return new ScaleDetection1dTraining(history.Count, zeroEpoch, last?.HingeLoss ?? double.NaN,
            Error(net, data, data.Train), Error(net, data, data.Validation), Error(net, data, data.Test), clock.Elapsed.TotalSeconds, history);
    }

    /// <summary>Fraction of <paramref name="pairs"/> with y·o &lt; 0 (the authors' Loss01); NaN for none.</summary>
    public static double Error(ScaleDetection1dNet net, ScaleDetection1dData data, IReadOnlyList<SitePair> pairs)
    {
        if (pairs.Count == 0) return double.NaN;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var o = net.call(data.Signals(pairs));
        var y = ScaleDetection1dData.Labels(pairs);
        return (y * o).lt(0).sum().item<long>() / (double)pairs.Count;
    }

    /// <summary>Mean hinge loss of <paramref name="pairs"/>, without penalty.</summary>
    public static double HingeLoss(ScaleDetection1dNet net, ScaleDetection1dData data, IReadOnlyList<SitePair> pairs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var o = net.call(data.Signals(pairs));
        var y = ScaleDetection1dData.Labels(pairs);
        return nn.functional.relu(1 - y * o).mean().item<float>();
    }

    private static long[] Permutation(int n, ulong seed)
    {
        var order = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        var random = new SplitMix64(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(random.Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
