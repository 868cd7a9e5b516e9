namespace Myopia.Benchmarks;

/// <summary>The ways <c>myopia bench shift</c> computes the same shift measurement.</summary>
public static class ShiftWays
{
    /// <summary>Myopia's <see cref="Analysis.ShiftStudy.ShiftSensitivity"/>: views built on the tensor side, batched forward passes.</summary>
    public const string MyopiaBatched = "myopia batched";

    /// <summary>The anchor's way in Myopia: the same code with one view per forward pass (Azulay's script runs batch 1).</summary>
    public const string MyopiaBatch1 = "myopia batch 1";

    /// <summary>PyTorch doing the same arithmetic, batched (src/Myopia/Benchmarks/Peers/shift_peer.py).</summary>
    public const string PytorchBatched = "pytorch batched";

    /// <summary>PyTorch one view per forward pass: Azulay's own way of running.</summary>
    public const string PytorchBatch1 = "pytorch batch 1";

    public static readonly IReadOnlyList<string> All = [MyopiaBatched, MyopiaBatch1, PytorchBatched, PytorchBatch1];

    public static string PeerOf(string way) => way.StartsWith("pytorch", StringComparison.Ordinal) ? "pytorch" : "myopia";
}

/// <summary>One timed measurement: <paramref name="Pairs"/> image-shift pairs in <paramref name="Seconds"/>.</summary>
/// <param name="PChange">P(top-1 change) the run measured (a check that the arithmetic is the same).</param>
/// <param name="Mac">Mean absolute change of the first view's top-1 probability.</param>
public sealed record ShiftBenchRun(string Way, int Repeat, int Batch, long Images, long Pairs, double Seconds, double PChange, double Mac)
{
    public double PairsPerSecond => Seconds > 0 ? Pairs / Seconds : double.NaN;
}

/// <summary>The medians of one way over its repeats.</summary>
public sealed record ShiftBenchWay(string Way, string Peer, int Batch, int Runs, double PairsPerSecond, double ImagesPerSecond, double Seconds, double PChange, double Mac);

/// <summary>
/// What <c>myopia bench shift</c> measured for one network: the medians of each way, every run, and the
/// ratios (above 1: Myopia batched is faster). A way that did not run is absent and its ratios null;
/// <see cref="PeerNote"/> says why the PyTorch peer did not run.
/// </summary>
public sealed record ShiftBenchResult(
    string Model,
    int Tile,
    string Protocol,
    string Condition,
    int Images,
    int ViewsPerImage,
    long PairsPerRun,
    int Batch,
    long Params,
    int Threads,
    int Repeats,
    IReadOnlyList<ShiftBenchWay> Ways,
    IReadOnlyList<ShiftBenchRun> Runs,
    string? PeerNote,
    string? OmpWaitPolicy,
    string? TorchVersion)
{
    public ShiftBenchWay? Way(string way) => Ways.FirstOrDefault(w => w.Way == way);

    /// <summary>Myopia batched / the anchor's way (batch 1) in Myopia.</summary>
    public double? BatchedVsBatch1 => Ratio(ShiftWays.MyopiaBatched, ShiftWays.MyopiaBatch1);

    /// <summary>Myopia batched / PyTorch batched, same arithmetic.</summary>
    public double? BatchedVsPytorch => Ratio(ShiftWays.MyopiaBatched, ShiftWays.PytorchBatched);

    /// <summary>Myopia batched / PyTorch batch 1 (Azulay's script as it runs).</summary>
    public double? BatchedVsPytorchBatch1 => Ratio(ShiftWays.MyopiaBatched, ShiftWays.PytorchBatch1);

    /// <summary>Myopia batch 1 / PyTorch batch 1: the per-call overhead of each side.</summary>
    public double? Batch1VsPytorchBatch1 => Ratio(ShiftWays.MyopiaBatch1, ShiftWays.PytorchBatch1);

    private double? Ratio(string mine, string theirs) =>
        Way(mine)?.PairsPerSecond is { } m && Way(theirs)?.PairsPerSecond is { } t && t > 0 && double.IsFinite(m) ? Math.Round(m / t, 3) : null;

    /// <summary>The medians of every way that ran, in the order of <see cref="ShiftWays.All"/>.</summary>
    public static IReadOnlyList<ShiftBenchWay> Summarize(IEnumerable<ShiftBenchRun> runs) =>
        runs.GroupBy(r => r.Way)
            .OrderBy(g => ShiftWays.All.ToList().IndexOf(g.Key))
            .Select(g =>
            {
                var list = g.ToList();
                return new ShiftBenchWay(g.Key, ShiftWays.PeerOf(g.Key), list[0].Batch, list.Count,
                    Math.Round(Median(list.Select(r => r.PairsPerSecond)), 1),
                    Math.Round(Median(list.Select(r => r.Images / r.Seconds)), 2),
                    Math.Round(Median(list.Select(r => r.Seconds)), 4),
                    Median(list.Select(r => r.PChange)), Median(list.Select(r => r.Mac)));
            })
            .ToList();

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The figures a reader wants first, for <c>--json</c>.</summary>
    public IReadOnlyDictionary<string, object?> Headline() => new Dictionary<string, object?>
    {
        ["model"] = Model,
        ["tile"] = Tile,
        ["protocol"] = Protocol,
        ["images"] = Images,
        ["pairs_per_run"] = PairsPerRun,
        ["threads"] = Threads,
        ["repeats"] = Repeats,
        ["myopia_batched_pairs_s"] = Way(ShiftWays.MyopiaBatched)?.PairsPerSecond,
        ["myopia_batch1_pairs_s"] = Way(ShiftWays.MyopiaBatch1)?.PairsPerSecond,
        ["pytorch_batched_pairs_s"] = Way(ShiftWays.PytorchBatched)?.PairsPerSecond,
        ["pytorch_batch1_pairs_s"] = Way(ShiftWays.PytorchBatch1)?.PairsPerSecond,
        ["batched_vs_batch1"] = BatchedVsBatch1,
        ["batched_vs_pytorch"] = BatchedVsPytorch,
        ["batched_vs_pytorch_batch1"] = BatchedVsPytorchBatch1,
        ["peer_note"] = PeerNote,
    };
}

/// <summary>Everything <c>myopia bench shift</c> measured in one run, and the machine.</summary>
public sealed record ShiftBenchReport(IReadOnlyList<ShiftBenchResult> Cases, string Cpu, string Backend, string? Load);
