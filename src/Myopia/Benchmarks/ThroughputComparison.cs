using Myopia.Models;

namespace Myopia.Benchmarks;

/// <summary>
/// Myopia against PyTorch on the same machine in the same run. The CPU is shared, so absolute
/// figures drift; the two peers therefore alternate (M P, P M, M P, ...) and each ratio is the
/// median of the per-repeat ratios, which cancels drift slower than one pair of runs.
/// </summary>
/// <remarks>
/// Both libtorch builds parallelise with GNU OpenMP, whose threads spin at every barrier before they
/// sleep. When other jobs hold the cores, a two-thread team then spends most of its time waiting for
/// its descheduled partner: on the project's shared 2-core machine training ran 3-6x slower with 2
/// threads than with 1, and single pairs of runs differed by up to 4x either way. Run with
/// OMP_WAIT_POLICY=PASSIVE (inherited by the peer) or --threads 1 for stable ratios there; the
/// policy in force is recorded in the result.
/// </remarks>
public sealed class ThroughputComparison(ThroughputOptions options, PytorchPeer? peer, int repeats = 3)
{
    /// <summary>Receives one line per finished run (for progress on stderr).</summary>
    public Action<string>? Progress { get; init; }

    public ThroughputComparisonResult Run()
    {
        options.Validate();
        if (repeats < 1) throw new MyopiaException($"--repeats must be at least 1, got {repeats}");
        if (!ModelRegistry.Exists(options.Model))
            throw new MyopiaException($"unknown model '{options.Model}'; known models: {string.Join(", ", ModelRegistry.Names)}");
        if (options.Threads > 0) TorchSharp.torch.set_num_threads(options.Threads);
        // Both peers get the same thread count: libtorch's default here unless --threads says otherwise.
        var threads = TorchSharp.torch.get_num_threads();
        var same = options with { Threads = threads };

        var runs = new List<ThroughputPair>();
        string? peerNote = peer is null ? "PyTorch peer not requested" : null;
        for (var r = 0; r < repeats; r++)
        {
            ThroughputResult? mine = null, theirs = null;
            var peerFirst = r % 2 == 1;
            if (!peerFirst) mine = RunMine(same, r);
            if (peerNote is null)
            {
                try
                {
                    theirs = peer!.Run(same, threads);
                    Progress?.Invoke($"repeat {r + 1}/{repeats} pytorch: train {theirs.TrainImgS:F1} img/s, eval {theirs.EvalImgS:F1} img/s");
                }
                catch (PeerUnavailableException e)
                {
                    peerNote = e.Message;
                    Progress?.Invoke($"PyTorch peer skipped: {e.Message}");
                }
            }
            mine ??= RunMine(same, r);
            runs.Add(new ThroughputPair(mine, theirs));
        }

        var myopia = Median(runs.Select(p => p.Myopia).ToList());
        var paired = runs.Where(p => p.Pytorch is not null).ToList();
        if (paired.Count == 0)
            return new ThroughputComparisonResult(myopia, null, null, null, repeats, runs, peerNote, WaitPolicy);
        var pytorch = Median(paired.Select(p => p.Pytorch!).ToList());
        var trainRatio = Median(paired.Select(p => p.Myopia.TrainImgS / p.Pytorch!.TrainImgS));
        var evalRatio = Median(paired.Select(p => p.Myopia.EvalImgS / p.Pytorch!.EvalImgS));
        return new ThroughputComparisonResult(myopia, pytorch, Math.Round(trainRatio, 3), Math.Round(evalRatio, 3), repeats, runs, peerNote, WaitPolicy);
    }

    /// <summary>OMP_WAIT_POLICY as both peers see it (null: OpenMP's default, spinning).</summary>
    private static string? WaitPolicy => Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");

    private ThroughputResult RunMine(ThroughputOptions same, int r)
    {
        var result = new ThroughputBenchmark(same).Run();
        Progress?.Invoke($"repeat {r + 1}/{repeats} myopia:  train {result.TrainImgS:F1} img/s, eval {result.EvalImgS:F1} img/s");
        return result;
    }

    private static ThroughputResult Median(IReadOnlyList<ThroughputResult> results) =>
        results[0] with
        {
            TrainImgS = Math.Round(Median(results.Select(r => r.TrainImgS)), 1),
            EvalImgS = Math.Round(Median(results.Select(r => r.EvalImgS)), 1),
        };

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>One repeat: Myopia's figures and, when the peer ran, PyTorch's.</summary>
public sealed record ThroughputPair(ThroughputResult Myopia, ThroughputResult? Pytorch);

/// <summary>
/// Medians over the repeats and the ratios Myopia / PyTorch (above 1: Myopia is faster). Pytorch and
/// the ratios are null when the peer could not run; <see cref="PeerNote"/> then says why.
/// </summary>
public sealed record ThroughputComparisonResult(
    ThroughputResult Myopia,
    ThroughputResult? Pytorch,
    double? TrainRatio,
    double? EvalRatio,
    int Repeats,
    IReadOnlyList<ThroughputPair> Runs,
    string? PeerNote,
    string? OmpWaitPolicy);
