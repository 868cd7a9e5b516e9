using System.Diagnostics;
using Myopia.Augmentation;
using Myopia.Compute;
using Myopia.Data;
using Myopia.Evaluation;
using Myopia.Models;
using Myopia.IO;
using Myopia.Reporting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// Trains a network from the registry on (tiles of) a dataset, evaluating on full test images
/// after every epoch. Each epoch ends with atomic writes, the checkpoint last; an interrupted run (Ctrl-C or
/// SIGTERM via the cancellation token, or a process killed at any instant) resumes from it and ends with the
/// same metrics and files as an uninterrupted run, because all randomness is derived from (seed, epoch).
/// One process at a time trains into a run folder (<see cref="RunLock"/>).
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
        if (options.Loss == HingeLoss.Name) HingeLoss.EnsureTwoClasses(data.Train.ClassCount, options.Data);
        this.options = options;
        this.data = data;
        run = new RunFolder(runDir);
        this.observer = observer ?? SilentObserver.Instance;
    }

    /// <summary>The command line or description recorded in checkpoints.</summary>
    public string? Command { get; init; }

    public TrainingResult Run(bool resume = false, CancellationToken cancel = default)
    {
        using var ownership = RunLock.Acquire(run.Path, observer.Message);
        var leftovers = run.RemoveStaleTemporaryFiles();
        if (leftovers.Count > 0) observer.Message($"removed {string.Join(", ", leftovers)}, left in {run.Path} by a process that was killed mid-write");
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var device = Devices.DeviceChoice.Parse(options.Device);
        var modelOptions = options.ModelOptions(data.Train.ClassCount, data.Train.Channels);
        using var model = ModelRegistry.Create(options.Model, modelOptions);
        if (device.type != DeviceType.CPU) model.to(device);
        using var optimizer = OptimizerFactory.Create(model, options);
        var schedule = new LearningRateSchedule(options);
        var guard = new DivergenceGuard(data.Train.ClassCount);

        var info = NewInfo(ModelRegistry.ParameterCount(model));
        var total = Stopwatch.StartNew();
        double previousSeconds = 0;
        if (resume)
        {
            if (!File.Exists(run.Checkpoint))
                throw new MyopiaException($"nothing to resume: no {Checkpoint.FileName} in {run.Path}");
            var (saved, _) = Checkpoint.Load(run.Checkpoint, optimizer, into: model);
            ResumeRules.EnsureCompatible(saved, options, run.Path);
            info = info with
            {
                CompletedEpochs = saved.CompletedEpochs, Partial = saved.Partial, History = saved.History,
                Compute = saved.Compute ?? new TrainingCompute("fp32", "trained before precision was recorded", "contiguous", "trained before layouts were recorded"),
            };
            previousSeconds = info.History.Sum(h => h.Seconds) + (info.Partial?.Seconds ?? 0);
            observer.Message(saved.Partial is { } p
                ? $"resuming {run.Path} in epoch {p.Epoch + 1}, batch {p.NextBatch}"
                : info.CompletedEpochs >= options.Epochs
                    ? $"the run in {run.Path} has finished its {info.CompletedEpochs} epochs; its files are brought in line with its checkpoint"
                    : $"resuming {run.Path} after epoch {saved.CompletedEpochs}");
            Reconcile(info, model, previousSeconds);
        }
        // A run computes as it started: its precision and layout are chosen once and kept in the checkpoint.
        var compute = info.Compute ?? ChooseCompute(modelOptions, device);
        info = info with { Compute = compute };
        var settings = new ComputeSettings(compute.NumericPrecision, compute.Format);
        observer.Message($"computing in {compute.Precision} ({compute.PrecisionReason}), {compute.MemoryFormat} ({compute.MemoryFormatReason})");
        JsonOutput.WriteFile(run.Config, options);

        using var normalizer = new Normalizer(data.Normalization);
        var augmenter = new BatchAugmenter(options.Augmentation, normalizer);
        if (!resume && model is IDataInitialized initialized) DataInitialization.Run(initialized, data.Train, options, normalizer, device);
        using var classifier = Classifiers.Classifier.FromModule(model, data.Normalization, data.Test.ClassNames,
            data.Train.Height, data.Train.Width, options.Tile, options.Model, options.InputNoise);
        classifier.Compute = new ComputeChoice(compute.NumericPrecision, compute.Format, compute.PrecisionReason);
        var evaluator = new FullImageEvaluator(classifier, new FullImageOptions(EvaluationBatch(options.EvalBatch, data.Test.Height, data.Test.Width)) { TestTimeFlip = options.Tta == "flip" });
        long n = data.Train.Count;
        long batches = (n + options.Batch - 1) / options.Batch;
        var memoryLog = ResidentMemoryLog.FromEnvironment();

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
                    var interrupted = Result(info, interrupted: true, previousSeconds + total.Elapsed.TotalSeconds);
                    WriteDerived(interrupted);
                    Checkpoint.Save(run.Checkpoint, info, model, optimizer);
                    observer.Message($"interrupted in epoch {epoch + 1} at batch {b}/{batches}; checkpoint saved");
                    return interrupted;
                }
                long start = b * options.Batch, count = Math.Min(options.Batch, n - start);
                if (count < 2 && b > 0) break; // a batch of one breaks batch norm; it is one image per epoch at most
                lr = schedule.At(epoch, (double)b / batches);
                OptimizerFactory.SetLearningRate(optimizer, lr);

                using var scope = NewDisposeScope();
                var (x, y) = augmenter.Batch(data.Train, plan, start, count);
                BatchAugmenter.Prefetch(data.Train, plan, start + count, Math.Min(options.Batch, n - start - count));
                if (device.type != DeviceType.CPU) (x, y) = (x.to(device), y.to(device));
                var logits = settings.Forward(model.call, x, device); // FP32 logits whatever the precision
                var loss = options.Loss == HingeLoss.Name
                    ? HingeLoss.Compute(logits, y)
                    : nn.functional.cross_entropy(logits, y, label_smoothing: options.LabelSmoothing);
                double lossValue = loss.item<float>();
                if (guard.CheckTrainLoss(lossValue) is { } diverged) throw Diverged(diverged, epoch, b);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                if (DivergenceGuard.CheckWeights(model) is { } broken) throw Diverged(broken, epoch, b);

                lossSum += lossValue * count;
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += count;
                observer.BatchFinished(epoch + 1, b + 1, batches, seen, lossValue);
                memoryLog.StepFinished(epoch + 1);
            }

            // Throughput counts only this process's training steps, not evaluation or earlier sessions.
            double trainSeconds = clock.Elapsed.TotalSeconds;
            double imagesPerSecond = (seen - (partial?.Seen ?? 0)) / Math.Max(1e-9, trainSeconds);
            bool evaluate = (epoch + 1) % options.EvalEvery == 0 || epoch + 1 == options.Epochs;
            double testLoss = double.NaN, testAcc = double.NaN, testTop5 = double.NaN;
            if (evaluate)
            {
                observer.Evaluating(epoch + 1);
                var test = evaluator.Run(data.Test);
                if (DivergenceGuard.CheckTestLoss(test.Loss) is { } badTest) throw Diverged(badTest, epoch, batch: null);
                if (guard.CheckCollapse(test, (double)correct / Math.Max(1, seen)) is { } collapsed) observer.Message($"warning: epoch {epoch + 1}: {collapsed}");
                (testLoss, testAcc, testTop5) = (test.Loss, test.Top1, test.Top5);
            }
            var metrics = new EpochMetrics(epoch + 1, lr, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen),
                testLoss, testAcc, testTop5, imagesPerSecond, carriedSeconds + clock.Elapsed.TotalSeconds);
            var evaluated = info.History.Where(h => h.Evaluated).ToList();
            bool best = evaluate && (evaluated.Count == 0 || metrics.TestAcc > evaluated.Max(h => h.TestAcc));
            info = info with { CompletedEpochs = epoch + 1, Partial = null, History = [.. info.History, metrics] };
            EndEpoch(info, model, optimizer, best, previousSeconds + total.Elapsed.TotalSeconds);
            observer.EpochFinished(metrics, best);
        }

        return Result(info, interrupted: false, previousSeconds + total.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Test images per evaluation pass: the eval batch counts 32 x 32 images, so a 224-pixel photo dataset
    /// evaluates 5 at a time instead of holding 256 photos' activations (gigabytes) at once. Results do
    /// not depend on it (the network is in eval mode).
    /// </summary>
    public static int EvaluationBatch(int evalBatch, int height, int width) =>
        (int)Math.Clamp(evalBatch * 1024L / Math.Max(1024L, (long)height * width), 1, evalBatch);

    /// <summary>
    /// The epoch-end writes, each atomic, ordered so that checkpoint.pt commits LAST: everything else derives
    /// from it, so a kill between any two writes leaves a checkpoint of the previous epoch, whose resume
    /// replays this epoch and rewrites the rest. Never the other way round (a checkpoint that claims an
    /// epoch whose metrics row or best.pt never reached the disk).
    /// </summary>
    private void EndEpoch(CheckpointInfo info, nn.Module model, OptimizerHelper optimizer, bool best, double seconds)
    {
        bool final = info.CompletedEpochs == options.Epochs;
        run.WriteMetrics(info.History);
        FaultInjection.After("metrics", final);
        if (best) Checkpoint.Save(run.BestCheckpoint, info, model, optimizer: null);
        FaultInjection.After("best", final);
        var result = Result(info, interrupted: false, seconds);
        JsonOutput.WriteFile(run.Summary, result);
        FaultInjection.After("summary", final);
        RunReport.Write(run, result, options);
        FaultInjection.After("report", final);
        Checkpoint.Save(run.Checkpoint, info, model, optimizer);
        FaultInjection.After("checkpoint", final);
    }

    private void WriteDerived(TrainingResult result)
    {
        run.WriteMetrics(result.History);
        JsonOutput.WriteFile(run.Summary, result);
        RunReport.Write(run, result, options);
    }

    /// <summary>
    /// On resume, rewrites what derives from the checkpoint's history, which may be missing or ahead of it
    /// after a kill: metrics.csv, summary.json, report.md and curves.png, and best.pt when it does not hold
    /// the epoch the history calls best (its own info says which epoch it holds).
    /// </summary>
    private void Reconcile(CheckpointInfo info, nn.Module model, double seconds)
    {
        bool finished = info.Partial is null && info.CompletedEpochs >= options.Epochs;
        WriteDerived(Result(info, interrupted: !finished, seconds));
        var historyBest = info.History.Where(h => h.Evaluated).MaxBy(h => h.TestAcc);
        int? bestOnDisk = File.Exists(run.BestCheckpoint) ? Checkpoint.ReadInfo(run.BestCheckpoint).CompletedEpochs : null;
        if (historyBest is null || bestOnDisk == historyBest.Epoch) return;
        if (historyBest.Epoch == info.CompletedEpochs && info.Partial is null)
        {
            // The checkpoint holds the weights of the best epoch itself: best.pt is exactly them.
            Checkpoint.Save(run.BestCheckpoint, info, model, optimizer: null);
            observer.Message($"{Checkpoint.BestFileName} held {(bestOnDisk is { } e ? $"epoch {e}" : "nothing")}; rewritten with epoch {historyBest.Epoch}, the best of the history");
        }
        else
        {
            observer.Message($"warning: {Checkpoint.BestFileName} holds {(bestOnDisk is { } e ? $"epoch {e}" : "nothing")} but the history's best is epoch {historyBest.Epoch}, " +
                             "whose weights are no longer kept; the next epoch that beats it replaces best.pt");
        }
    }

    /// <summary>One line saying where the run diverged and which checkpoint really remains on disk.</summary>
    private MyopiaException Diverged(string what, int epoch, long? batch)
    {
        string where = batch is { } b ? $"epoch {epoch + 1}, batch {b + 1}" : $"the evaluation of epoch {epoch + 1}";
        string kept = KeptCheckpoint();
        return new MyopiaException($"{what} in {where}; training stopped. {kept}. Try a lower --lr (was {options.Lr:G}).");
    }

    /// <summary>
    /// Resolves --precision and --memory-format for this run. An automatic layout is measured on a throwaway
    /// copy of the network with a batch of this run's shape (forward and backward, no optimizer step), with
    /// the random state put back afterwards, so measuring never changes what the run computes.
    /// </summary>
    private TrainingCompute ChooseCompute(ModelOptions modelOptions, Device device)
    {
        var (precision, precisionReason) = PrecisionChoice.Resolve(options.Precision, device);
        if (MemoryFormats.Parse(options.MemoryFormat) is { } fixedFormat)
            return new TrainingCompute(PrecisionChoice.Name(precision), precisionReason, MemoryFormats.Name(fixedFormat), "requested");
        int side = options.Tile ?? data.Train.Height, width = options.Tile ?? data.Train.Width;
        int batch = (int)Math.Min(options.Batch, data.Train.Count);
        string workload = $"train {options.Model} {modelOptions.Stem?.ToString() ?? "default-stem"} aa{modelOptions.Antialias} {data.Train.Channels}x{side}x{width} " +
                          $"classes {data.Train.ClassCount} batch {batch} {PrecisionChoice.Name(precision)}";
        using var rng = torch.get_rng_state();
        nn.Module<Tensor, Tensor>? probe = null;
        try
        {
            var timing = MemoryFormatProbe.Choose(MemoryFormatProbe.Key(workload, device), format =>
            {
                if (probe is null)
                {
                    probe = ModelRegistry.Create(options.Model, modelOptions);
                    if (device.type != DeviceType.CPU) probe.to(device);
                    probe.train();
                }
                using var scope = NewDisposeScope();
                var x = randn(batch, data.Train.Channels, side, width, device: device);
                var y = randint(0, data.Train.ClassCount, [batch], device: device);
                var logits = new ComputeSettings(precision, format).Forward(probe.call, x, device);
                nn.functional.cross_entropy(logits, y).backward();
                probe.zero_grad();
            });
            return new TrainingCompute(PrecisionChoice.Name(precision), precisionReason, timing.ChosenName,
                "automatic: " + timing.Describe());
        }
        finally
        {
            probe?.Dispose();
            torch.set_rng_state(rng);
        }
    }

    private string KeptCheckpoint()
    {
        if (!File.Exists(run.Checkpoint)) return $"No checkpoint yet in {run.Path}";
        var kept = Checkpoint.ReadInfo(run.Checkpoint);
        return kept.Partial is { } p
            ? $"Kept: {run.Checkpoint} (epoch {p.Epoch + 1}, batch {p.NextBatch})"
            : $"Kept: {run.Checkpoint} (after epoch {kept.CompletedEpochs})";
    }

    private CheckpointInfo NewInfo(long parameters) => new()
    {
        Model = options.Model,
        Stem = options.ModelOptions(data.Train.ClassCount, data.Train.Channels).Stem,
        Antialias = options.Antialias,
        Aps = options.Aps,
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

    private TrainingResult Result(CheckpointInfo info, bool interrupted, double seconds)
    {
        var history = info.History;
        return new TrainingResult(run.Path, options.Model, options.Data, options.Tile, info.Parameters, info.CompletedEpochs, interrupted,
            history.LastOrDefault(h => h.Evaluated), history.Where(h => h.Evaluated).MaxBy(h => h.TestAcc), seconds, history)
        {
            Compute = info.Compute, TestImages = data.Test.Count, Classes = data.Train.ClassCount,
        };
    }
}
