using Myopia.Data;
using Myopia.Evaluation;
using Myopia.IO;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Experiments;

/// <summary>
/// Runs a sweep resumably: a run whose folder holds a finished summary is skipped, a run with a
/// checkpoint resumes, the rest start. Then it evaluates every run in mode B (patch-averaged
/// logits) once, and writes results.csv, results.json and the figures.
/// </summary>
public sealed class SweepRunner(SweepSpec spec, string sweepDir)
{
    public const string SpecFile = "sweep.json";
    public const string ResultsCsv = "results.csv";
    public const string ResultsJson = "results.json";

    public string SweepDir { get; } = Path.GetFullPath(sweepDir);

    /// <summary>Computes mode B for a finished run (model, its checkpoint info, test set, tile); null to skip.</summary>
    public Func<Classifiers.Classifier, ImageDataset, int, EvaluationResult?>? PatchEvaluator { get; init; }

    public Action<string>? Log { get; init; }

    /// <summary>Throws if a dataset the runs need is missing (e.g. <see cref="DatasetCatalog.EnsureAvailable"/>).</summary>
    public Action<string, string?>? CheckData { get; init; }

    public SweepResult Run(ISweepExecutor executor, Func<TrainOptions, DatasetSplits> loadData, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var plan = Plan();
        SaveSpec();
        Log?.Invoke($"sweep of {plan.Points.Count} runs: {plan.Points.Count - plan.Jobs.Count} already done, {plan.Jobs.Count} to run");
        CheckDataOf(plan.Jobs);
        executor.Execute(plan.Jobs, cancel);
        if (cancel.IsCancellationRequested)
            throw new OperationCanceledException("sweep interrupted; run the same command again to continue");
        return Collect(plan, loadData, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The sweep's runs and which of them are still to do, without writing anything; refuses a
    /// folder that holds a different sweep.
    /// </summary>
    public SweepPlan Plan()
    {
        spec.Validate();
        var specPath = Path.Combine(SweepDir, SpecFile);
        if (File.Exists(specPath) && File.ReadAllText(specPath).Trim() != JsonOutput.Serialize(spec).Trim())
            throw new MyopiaException($"{SweepDir} holds a different sweep ({SpecFile}); use another --out or the same configuration to resume it");
        var points = spec.Points().ToList();
        var jobs = new List<SweepJob>();
        for (int i = 0; i < points.Count; i++)
        {
            var dir = RunDir(points[i]);
            if (IsFinished(dir, points[i].Options)) continue;
            jobs.Add(new SweepJob(points[i], dir, File.Exists(Path.Combine(dir, Checkpoint.FileName))) { Index = i });
        }
        return new SweepPlan(points, jobs);
    }

    /// <summary>Writes sweep.json, which a re-run, <c>--status</c> and cluster tasks read the sweep from.</summary>
    public void SaveSpec()
    {
        Directory.CreateDirectory(SweepDir);
        AtomicFile.WriteAllText(Path.Combine(SweepDir, SpecFile), JsonOutput.Serialize(spec) + "\n");
    }

    /// <summary>Every job would fail on a dataset that is not there: says so once, before starting any.</summary>
    public void CheckDataOf(IEnumerable<SweepJob> jobs)
    {
        if (CheckData is null) return;
        foreach (var (data, dataDir) in jobs.Select(j => (j.Point.Options.Data, j.Point.Options.DataDir)).Distinct())
            CheckData(data, dataDir);
    }

    /// <summary>
    /// Gathers what finished: mode B of every finished run (cached in its folder), results.csv and
    /// results.json; the runs of <paramref name="plan"/> that did not finish are listed as failed.
    /// <paramref name="ready"/> leaves out finished runs still being worked on elsewhere (a cluster
    /// task computing their mode B), so their evaluation is not done twice at once.
    /// </summary>
    public SweepResult Collect(SweepPlan plan, Func<TrainOptions, DatasetSplits> loadData, double seconds, Func<SweepPoint, bool>? ready = null)
    {
        var points = plan.Points;
        var finished = points.Where(p => IsFinished(RunDir(p), p.Options) && (ready?.Invoke(p) ?? true)).ToList();
        patchPending = finished.Sum(PendingPatchEvaluations);
        patchDone = 0;
        patchSeconds = 0;
        if (patchPending > 0) Log?.Invoke($"mode B (patch-averaged) evaluation of {patchPending} checkpoint(s) follows");
        var rows = finished.Select(p => Row(p, loadData)).ToList();
        var failed = points.Except(finished).Select(p => p.Name).ToList();
        var result = new SweepResult(SweepDir, spec.Base.Data, rows, Cells(rows), plan.Jobs.Count - failed.Count, points.Count - plan.Jobs.Count, seconds)
        {
            Failed = failed,
        };
        Write(result);
        return result;
    }

    /// <summary>
    /// Computes and caches mode B of one finished run, so that a cluster task does this work
    /// rather than the machine that collects the sweep; <see cref="Collect"/> then reads the cache.
    /// </summary>
    public void EvaluatePatches(SweepPoint p, Func<TrainOptions, DatasetSplits> loadData)
    {
        if (!IsFinished(RunDir(p), p.Options)) return;
        patchPending = PendingPatchEvaluations(p);
        patchDone = 0;
        if (patchPending > 0) Row(p, loadData);
    }

    public string RunDir(SweepPoint p) => Path.Combine(SweepDir, "runs", p.Name);

    public static bool IsFinished(string runDir, TrainOptions options)
    {
        var summary = Path.Combine(runDir, "summary.json");
        if (!File.Exists(summary)) return false;
        var result = JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(summary));
        if (result.Interrupted || result.CompletedEpochs < options.Epochs) return false;
        // The checkpoint commits last at an epoch's end: a summary ahead of it (a kill between the two) is not a finished run.
        var checkpoint = Path.Combine(runDir, Checkpoint.FileName);
        if (!File.Exists(checkpoint)) return false;
        var info = Checkpoint.ReadInfo(checkpoint);
        return info.Partial is null && info.CompletedEpochs >= options.Epochs;
    }

    // Progress of the mode B phase, for its ETA: evaluations still to compute, done so far, and their time.
    private int patchPending, patchDone;
    private double patchSeconds;

    /// <summary>How many mode B evaluations of this run are not cached yet (final checkpoint, and best.pt when it holds another epoch).</summary>
    private int PendingPatchEvaluations(SweepPoint p)
    {
        if (PatchEvaluator is null || spec.PatchStride <= 0 || p.Options.Tile is null) return 0;
        var dir = RunDir(p);
        var summary = JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(Path.Combine(dir, "summary.json")));
        int pending = File.Exists(Path.Combine(dir, "patch-eval.json")) ? 0 : 1;
        if (summary.Best?.Epoch != summary.Final?.Epoch && !File.Exists(Path.Combine(dir, "patch-eval-best.json"))) pending++;
        return pending;
    }

    private SweepRow Row(SweepPoint p, Func<TrainOptions, DatasetSplits> loadData)
    {
        var dir = RunDir(p);
        var summary = JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var f = summary.Final!;
        var b = summary.Best!;
        var patch = PatchResult(p, dir, Checkpoint.FileName, "patch-eval.json", loadData);
        // Mode B of the best epoch (by mode A, as the study's max-over-epochs): the final one when they coincide.
        var bestPatch = b.Epoch == f.Epoch ? patch : PatchResult(p, dir, Checkpoint.BestFileName, "patch-eval-best.json", loadData);
        double? seconds = patch is null ? null : Seconds(patch) + (bestPatch is not null && !ReferenceEquals(bestPatch, patch) ? Seconds(bestPatch) : 0);
        return new SweepRow(p.Name, p.Options.Model, p.Options.Tile ?? 0, p.Options.Seed, p.Extra, summary.CompletedEpochs,
            f.TestAcc, b.TestAcc, b.Epoch, f.TestTop5, patch?.Top1, patch?.Top5, summary.TotalSeconds, bestPatch?.Top1) { PatchSeconds = seconds };
    }

    private static double Seconds(EvaluationResult r) => r.Count / Math.Max(1e-9, r.ImagesPerSecond);

    // Mode B once per run and checkpoint, cached in the run folder so a re-run of the sweep does not recompute it.
    private EvaluationResult? PatchResult(SweepPoint p, string dir, string checkpointFile, string cacheFile, Func<TrainOptions, DatasetSplits> loadData)
    {
        if (PatchEvaluator is null || spec.PatchStride <= 0 || p.Options.Tile is null) return null;
        var cache = Path.Combine(dir, cacheFile);
        if (File.Exists(cache)) return JsonOutput.Deserialize<EvaluationResult>(File.ReadAllText(cache));
        var checkpoint = Path.Combine(dir, checkpointFile);
        if (!File.Exists(checkpoint)) return null;
        using var data = loadData(p.Options);
        var test = spec.PatchTestLimit is { } n && n < data.Test.Count ? data.Test.Take(n) : null;
        try
        {
            var info = Checkpoint.ReadInfo(checkpoint);
            using var classifier = Classifiers.ClassifierLoader.Load(checkpoint);
            // In the run's precision (recorded at its start), in whichever layout is faster for the patches.
            classifier.Compute = new Compute.ComputeChoice(info.Compute?.NumericPrecision ?? Compute.NumericPrecision.Fp32, null,
                info.Compute?.PrecisionReason ?? "as trained");
            {
                Log?.Invoke($"{p.Name}: patch-averaged evaluation of {checkpointFile} (T={p.Options.Tile}, epoch {info.CompletedEpochs}, {classifier.Compute.PrecisionName}) " +
                            $"[{patchDone + 1}/{patchPending}{(patchDone > 0 ? $", ETA {TimeSpan.FromSeconds(patchSeconds / patchDone * (patchPending - patchDone)):hh\\:mm\\:ss}" : "")}]");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var r = PatchEvaluator(classifier, test ?? data.Test, p.Options.Tile.Value);
                patchDone++;
                patchSeconds += clock.Elapsed.TotalSeconds;
                if (r is not null) JsonOutput.WriteFile(cache, r);
                return r;
            }
        }
        finally
        {
            test?.Dispose();
        }
    }

    private static List<SweepCell> Cells(List<SweepRow> rows) => rows
        .GroupBy(r => (r.Model, r.Tile))
        .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Tile == 0 ? int.MaxValue : g.Key.Tile)
        .Select(g =>
        {
            var acc = g.Select(r => r.FinalAcc).ToArray();
            double mean = acc.Average();
            double std = acc.Length > 1 ? Math.Sqrt(acc.Sum(a => (a - mean) * (a - mean)) / (acc.Length - 1)) : 0;
            double? MeanOf(Func<SweepRow, double?> value)
            {
                var v = g.Select(value).Where(x => x is not null).Select(x => x!.Value).ToArray();
                return v.Length > 0 ? v.Average() : null;
            }
            return new SweepCell(g.Key.Model, g.Key.Tile, acc.Length, mean, std, acc.Min(), acc.Max(),
                MeanOf(r => r.PatchAcc), g.Average(r => r.BestAcc), MeanOf(r => r.BestPatchAcc));
        }).ToList();

    private void Write(SweepResult result)
    {
        var extra = spec.Axes.Keys.Order(StringComparer.Ordinal).ToList();
        var csv = new System.Text.StringBuilder(SweepRow.CsvHeader(extra)).Append('\n');
        foreach (var r in result.Rows) csv.Append(r.ToCsv(extra)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(SweepDir, ResultsCsv), csv.ToString());
        JsonOutput.WriteFile(Path.Combine(SweepDir, ResultsJson), result);
    }
}
