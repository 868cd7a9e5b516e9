using System.Diagnostics;
using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Evaluation;
using Myopia.Models;
using Myopia.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// Trains a network from the registry on (tiles of) a dataset, evaluating on full test images
/// after every epoch. Each epoch ends with an atomic checkpoint; an interrupted run (Ctrl-C via the
/// cancellation token, or a killed process) resumes from it and ends with the same metrics as an
/// uninterrupted run, because all randomness is derived from (seed, epoch).
/// </summary>
public sealed class Trainer
{
    private readonly TrainOptions options;
    private readonly DatasetSplits data;
    private readonly RunFolder run;
    private readonly ITrainingObserver observer;

    public Trainer(TrainOptions options, DatasetSplits data, string runDir, ITrainingObserver? observer = null)
    {
        options.Validate();
        if (options.Tile is { } t && (t > data.Train.Height || t > data.Train.Width))
            throw new MyopiaException($"tile {t}x{t} is larger than the {data.Train.Height}x{data.Train.Width} images of {data.Train.Name}");
        this.options = options;
        this.data = data;
        run = new RunFolder(runDir);
        this.observer = observer ?? SilentObserver.Instance;
    }

    /// <summary>The command line or description recorded in checkpoints.</summary>
    public string? Command { get; init; }

    public TrainingResult Run(bool resume = false, CancellationToken cancel = default)
    {
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var device = Devices.DeviceChoice.Parse(options.Device);
        var modelOptions = options.ModelOptions(data.Train.ClassCount, data.Train.Channels);
        using var model = ModelRegistry.Create(options.Model, modelOptions);
        if (device.type != DeviceType.CPU) model.to(device);
        using var optimizer = OptimizerFactory.Create(model, options);
        var schedule = new LearningRateSchedule(options);

        var info = NewInfo(ModelRegistry.ParameterCount(model));
        if (resume)
        {
            if (!File.Exists(run.Checkpoint))
                throw new MyopiaException($"nothing to resume: no {Checkpoint.FileName} in {run.Path}");
            var (saved, _) = Checkpoint.Load(run.Checkpoint, optimizer, into: model);
            EnsureCompatible(saved);
            info = info with { CompletedEpochs = saved.CompletedEpochs, Partial = saved.Partial, History = saved.History };
            observer.Message(saved.Partial is { } p
                ? $"resuming {run.Path} in epoch {p.Epoch + 1}, batch {p.NextBatch}"
                : $"resuming {run.Path} after epoch {saved.CompletedEpochs}");
        }
        JsonOutput.WriteFile(run.Config, options);

        using var normalizer = new Normalizer(data.Normalization);
        var augmenter = new BatchAugmenter(options.Augmentation, normalizer);
        using var classifier = Classifiers.Classifier.FromModule(model, data.Normalization, data.Test.ClassNames,
            data.Train.Height, data.Train.Width, options.Tile, options.Model);
        var evaluator = new FullImageEvaluator(classifier, new FullImageOptions(options.EvalBatch));
        long n = data.Train.Count;
        long batches = (n + options.Batch - 1) / options.Batch;
        var total = Stopwatch.StartNew();
        double previousSeconds = info.History.Sum(h => h.Seconds) + (info.Partial?.Seconds ?? 0);

        for (int epoch = info.CompletedEpochs; epoch < options.Epochs; epoch++)
        {
            var partial = info.Partial is { } p && p.Epoch == epoch ? p : null;
            long firstBatch = partial?.NextBatch ?? 0;
            double lossSum = partial?.LossSum ?? 0;
            long correct = partial?.Correct ?? 0, seen = partial?.Seen ?? 0;
            var clock = Stopwatch.StartNew();
            double carriedSeconds = partial?.Seconds ?? 0;
            double lr = schedule.At(epoch, 0);

            model.train();
            using var plan = EpochPlan.Create((int)n, data.Train.Height, data.Train.Width, options.Augmentation, options.Seed, epoch);
            observer.EpochStarted(epoch + 1, options.Epochs, batches, firstBatch);
            for (long b = firstBatch; b < batches; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    var stop = new PartialEpoch(epoch, b, lossSum, correct, seen, carriedSeconds + clock.Elapsed.TotalSeconds);
                    info = info with { Partial = stop };
                    Checkpoint.Save(run.Checkpoint, info, model, optimizer);
                    observer.Message($"interrupted in epoch {epoch + 1} at batch {b}/{batches}; checkpoint saved; resume with --resume");
                    return Result(info, interrupted: true, previousSeconds + total.Elapsed.TotalSeconds);
                }
                long start = b * options.Batch, count = Math.Min(options.Batch, n - start);
                if (count < 2 && b > 0) break; // a batch of one breaks batch norm; it is one image per epoch at most
                lr = schedule.At(epoch, (double)b / batches);
                OptimizerFactory.SetLearningRate(optimizer, lr);

                using var scope = NewDisposeScope();
                var (x, y) = augmenter.Batch(data.Train.Images, data.Train.Labels, plan, start, count);
                if (device.type != DeviceType.CPU) (x, y) = (x.to(device), y.to(device));
                var logits = model.call(x);
                var loss = nn.functional.cross_entropy(logits, y);
                double lossValue = loss.item<float>();
                if (!double.IsFinite(lossValue))
                    throw new MyopiaException(
                        $"training loss became {lossValue} in epoch {epoch + 1}, batch {b + 1}; stopped. " +
                        $"The last good checkpoint (after epoch {info.CompletedEpochs}) is kept in {run.Path}. Try a lower --lr.");
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();

                lossSum += lossValue * count;
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += count;
                observer.BatchFinished(epoch + 1, b + 1, batches, seen, lossValue);
            }

            // Throughput counts only this process's training steps, not evaluation or earlier sessions.
            double trainSeconds = clock.Elapsed.TotalSeconds;
            double imagesPerSecond = (seen - (partial?.Seen ?? 0)) / Math.Max(1e-9, trainSeconds);
            observer.Evaluating(epoch + 1);
            var test = evaluator.Run(data.Test);
            var metrics = new EpochMetrics(epoch + 1, lr, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen),
                test.Loss, test.Top1, test.Top5, imagesPerSecond, carriedSeconds + clock.Elapsed.TotalSeconds);
            bool best = info.History.Count == 0 || metrics.TestAcc > info.History.Max(h => h.TestAcc);
            info = info with { CompletedEpochs = epoch + 1, Partial = null, History = [.. info.History, metrics] };
            Checkpoint.Save(run.Checkpoint, info, model, optimizer);
            if (best) Checkpoint.Save(run.BestCheckpoint, info, model, optimizer: null);
            run.WriteMetrics(info.History);
            observer.EpochFinished(metrics, best);
        }

        var result = Result(info, interrupted: false, previousSeconds + total.Elapsed.TotalSeconds);
        JsonOutput.WriteFile(run.Summary, result);
        return result;
    }

    private CheckpointInfo NewInfo(long parameters) => new()
    {
        Model = options.Model,
        Stem = options.ModelOptions(data.Train.ClassCount, data.Train.Channels).Stem,
        Antialias = options.Antialias,
        Classes = data.Train.ClassCount,
        Channels = data.Train.Channels,
        ImageHeight = data.Train.Height,
        ImageWidth = data.Train.Width,
        ClassNames = [.. data.Train.ClassNames],
        Normalization = data.Normalization,
        Tile = options.Tile,
        Dataset = options.Data,
        DataDir = options.DataDir is null ? null : Path.GetFullPath(options.DataDir),
        Options = options,
        Command = Command,
        Parameters = parameters,
    };

    private void EnsureCompatible(CheckpointInfo saved)
    {
        var a = saved.Options with { Epochs = 0, Threads = 0, DataDir = null, Device = "cpu" };
        var b = options with { Epochs = 0, Threads = 0, DataDir = null, Device = "cpu" };
        if (!JsonOutput.Serialize(a).Equals(JsonOutput.Serialize(b)))
            throw new MyopiaException($"the options differ from those of the run in {run.Path}; resume with the same options (only --epochs may grow)");
        if (saved.CompletedEpochs > options.Epochs)
            throw new MyopiaException($"the run in {run.Path} already has {saved.CompletedEpochs} epochs, more than --epochs {options.Epochs}");
    }

    private TrainingResult Result(CheckpointInfo info, bool interrupted, double seconds)
    {
        var history = info.History;
        return new TrainingResult(run.Path, options.Model, options.Data, options.Tile, info.Parameters, info.CompletedEpochs, interrupted,
            history.LastOrDefault(), history.Count == 0 ? null : history.MaxBy(h => h.TestAcc), seconds, history);
    }
}
