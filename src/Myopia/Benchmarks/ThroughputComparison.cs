using Myopia.Compute;
using Myopia.Models;

namespace Myopia.Benchmarks;

/// <summary>
/// Myopia against PyTorch on the same machine in the same run, each in several variants (precision and
/// activation layout): by default FP32 and BF16 autocast, each contiguous and channels-last, on both
/// sides. The CPU is shared, so absolute figures drift; the runs therefore interleave the peers variant
/// by variant (M1 P1 M2 P2 ..., reversed on every other repeat) and each figure is the median over repeats.
/// </summary>
/// <remarks>
/// Both libtorch builds parallelise with GNU OpenMP, whose threads spin at every barrier before they
/// sleep. When other jobs hold the cores, a two-thread team then spends most of its time waiting for
/// its descheduled partner: on the project's shared 2-core machine training ran 3-6x slower with 2
/// threads than with 1, and single pairs of runs differed by up to 4x either way. Run with
/// OMP_WAIT_POLICY=PASSIVE (inherited by the peer) or --threads 1 for stable ratios there; the
/// policy in force is recorded in the result.
/// </remarks>
public sealed class ThroughputComparison(ThroughputOptions options, PytorchPeer? peer, int repeats = 3,
    IReadOnlyList<ThroughputVariant>? variants = null)
{
    /// <summary>Every precision in each layout: what <c>myopia bench</c> measures unless told otherwise.</summary>
    public static readonly IReadOnlyList<ThroughputVariant> AllVariants =
    [
        new(NumericPrecision.Fp32, MemoryFormat.Contiguous),
        new(NumericPrecision.Fp32, MemoryFormat.ChannelsLast),
        new(NumericPrecision.Bf16, MemoryFormat.Contiguous),
        new(NumericPrecision.Bf16, MemoryFormat.ChannelsLast),
    ];

    /// <summary>Receives one line per finished run (for progress on stderr).</summary>
    public Action<string>? Progress { get; init; }

    public ThroughputComparisonResult Run()
    {
        options.Validate();
        if (repeats < 1) throw new MyopiaException($"--repeats must be at least 1, got {repeats}");
        if (!ModelRegistry.Exists(options.Model))
            throw new MyopiaException($"unknown model '{options.Model}'; known models: {string.Join(", ", ModelRegistry.Names)}");
        var chosen = variants ?? AllVariants;
        if (chosen.Count == 0) throw new MyopiaException("no precision and layout to measure");
        if (options.Threads > 0) TorchSharp.torch.set_num_threads(options.Threads);
        // Both peers get the same thread count: libtorch's default here unless --threads says otherwise.
        var threads = TorchSharp.torch.get_num_threads();
        var same = options with { Threads = threads };

        var runs = new List<ThroughputResult>();
        string? peerNote = peer is null ? "PyTorch peer not requested" : null;
        for (var r = 0; r < repeats; r++)
        {
            var order = r % 2 == 0 ? chosen : chosen.Reverse().ToList();
            foreach (var variant in order)
            {
                var settings = same with { Precision = variant.Precision, Format = variant.Format };
                var mine = new ThroughputBenchmark(settings).Run();
                runs.Add(mine);
                Progress?.Invoke($"repeat {r + 1}/{repeats} myopia  {mine.Variant,-18} train {mine.TrainImgS,7:F1} img/s, eval {mine.EvalImgS,7:F1} img/s");
                if (peerNote is not null) continue;
                try
                {
                    var theirs = peer!.Run(settings, threads) with { Precision = mine.Precision, ChannelsLast = mine.ChannelsLast };
                    runs.Add(theirs);
                    Progress?.Invoke($"repeat {r + 1}/{repeats} pytorch {theirs.Variant,-18} train {theirs.TrainImgS,7:F1} img/s, eval {theirs.EvalImgS,7:F1} img/s");
                }
                catch (PeerUnavailableException e)
                {
                    peerNote = e.Message;
                    Progress?.Invoke($"PyTorch peer skipped: {e.Message}");
                }
            }
        }

        List<ThroughputResult> Medians(string peerName) => runs.Where(x => x.Peer == peerName)
            .GroupBy(x => x.Variant)
            .Select(g => g.First() with
            {
                TrainImgS = Math.Round(Median(g.Select(x => x.TrainImgS)), 1),
                EvalImgS = Math.Round(Median(g.Select(x => x.EvalImgS)), 1),
            })
            .ToList();
        return new ThroughputComparisonResult(options.Model, options.Tile, options.Batch, runs[0].Params, threads, repeats,
            Medians(ThroughputBenchmark.PeerName), Medians("pytorch"), runs, peerNote, WaitPolicy);
    }

    /// <summary>OMP_WAIT_POLICY as both peers see it (null: OpenMP's default, spinning).</summary>
    private static string? WaitPolicy => Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>One way of computing: precision and activation layout.</summary>
public sealed record ThroughputVariant(NumericPrecision Precision, MemoryFormat Format);

/// <summary>
/// Medians per variant for each peer, and the ratios the project is judged by: Myopia's best variant
/// against PyTorch at its default (FP32, contiguous) and against PyTorch's best BF16 autocast variant
/// (above 1: Myopia is faster). PyTorch's lists are empty and the ratios null when the peer could not
/// run; <see cref="PeerNote"/> then says why.
/// </summary>
public sealed record ThroughputComparisonResult(
    string Model,
    int Tile,
    int Batch,
    long Params,
    int Threads,
    int Repeats,
    IReadOnlyList<ThroughputResult> Myopia,
    IReadOnlyList<ThroughputResult> Pytorch,
    IReadOnlyList<ThroughputResult> Runs,
    string? PeerNote,
    string? OmpWaitPolicy)
{
    public ThroughputResult? MyopiaBestTrain => Myopia.MaxBy(r => r.TrainImgS);
    public ThroughputResult? MyopiaBestEval => Myopia.MaxBy(r => r.EvalImgS);

    /// <summary>PyTorch as a user runs it by default: FP32, contiguous.</summary>
    public ThroughputResult? PytorchFp32 => Pytorch.FirstOrDefault(r => r.Precision == "fp32" && !r.ChannelsLast);

    public ThroughputResult? PytorchBf16BestTrain => Pytorch.Where(r => r.Precision == "bf16").MaxBy(r => r.TrainImgS);
    public ThroughputResult? PytorchBf16BestEval => Pytorch.Where(r => r.Precision == "bf16").MaxBy(r => r.EvalImgS);

    public double? TrainVsPytorchFp32 => Ratio(MyopiaBestTrain?.TrainImgS, PytorchFp32?.TrainImgS);
    public double? EvalVsPytorchFp32 => Ratio(MyopiaBestEval?.EvalImgS, PytorchFp32?.EvalImgS);
    public double? TrainVsPytorchBf16 => Ratio(MyopiaBestTrain?.TrainImgS, PytorchBf16BestTrain?.TrainImgS);
    public double? EvalVsPytorchBf16 => Ratio(MyopiaBestEval?.EvalImgS, PytorchBf16BestEval?.EvalImgS);

    private static double? Ratio(double? mine, double? theirs) =>
        mine is { } m && theirs is { } t && t > 0 ? Math.Round(m / t, 3) : null;
}
