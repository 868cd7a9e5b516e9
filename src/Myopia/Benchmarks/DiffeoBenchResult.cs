namespace Myopia.Benchmarks;

/// <summary>The ways <c>myopia bench diffeo</c> times the diffeomorphism lab's arithmetic.</summary>
public static class DiffeoWays
{
    /// <summary>Myopia's <see cref="Analysis.DiffeoStudy.DiffeoGenerator.Apply"/>: a batch of fields from one einsum, one integer gather.</summary>
    public const string MyopiaGenerator = "myopia generator";

    /// <summary>The authors' diff.py in PyTorch, deform() called once per image as their code does (diffeo_peer.py --way per-image).</summary>
    public const string PytorchPerImage = "pytorch diff.py per image";

    /// <summary>diff.py's arithmetic in PyTorch on a whole batch (diffeo_peer.py --way batched).</summary>
    public const string PytorchBatched = "pytorch batched";

    /// <summary>Myopia's <see cref="Analysis.DiffeoStudy.DiffeoSensitivity"/>, layer-wise, float64.</summary>
    public const string MyopiaPass = "myopia D/G/R pass";

    /// <summary>The same pass in PyTorch: deform() per probe, matched noise, forward hooks, the mean estimator (diffeo_peer.py --mode pass).</summary>
    public const string PytorchPass = "pytorch D/G/R pass";

    public static readonly IReadOnlyList<string> All = [MyopiaGenerator, PytorchPerImage, PytorchBatched, MyopiaPass, PytorchPass];

    public static string PeerOf(string way) => way.StartsWith("pytorch", StringComparison.Ordinal) ? "pytorch" : "myopia";

    /// <summary>True for the two D/G/R passes (items are probes), false for the generator ways (items are images).</summary>
    public static bool IsPass(string way) => way is MyopiaPass or PytorchPass;
}

/// <summary>One timed run: <paramref name="Items"/> deformed images, or probes of a D/G/R pass, in <paramref name="Seconds"/>.</summary>
/// <param name="Check">A check that both sides do the same arithmetic: for the generator the mean over images of ‖τx − x‖² (standard
/// normal images, so it depends only on the fields' statistics); for a pass R at the output.</param>
/// <param name="Nodes">Nodes a pass measured (the input included); 0 for the generator.</param>
public sealed record DiffeoBenchRun(string Way, int Repeat, int Batch, long Items, double Seconds, double Check, int Nodes = 0)
{
    public double ItemsPerSecond => Seconds > 0 ? Items / Seconds : double.NaN;
}

/// <summary>The medians of one way over its repeats: images per second for the generator, probes per second for a pass.</summary>
public sealed record DiffeoBenchWay(string Way, string Peer, int Batch, int Runs, long Items, double ItemsPerSecond, double Seconds, double Check, int Nodes);

/// <summary>
/// What <c>myopia bench diffeo</c> measured: the medians of each way, every run, and the ratios (above 1:
/// Myopia is faster). A way that did not run is absent and its ratios null; <see cref="PeerNote"/> says
/// why the PyTorch peer did not run.
/// </summary>
public sealed record DiffeoBenchResult(
    string Model,
    int Tile,
    double Displacement,
    int Cutoff,
    double Temperature,
    int Images,
    int DeformBatch,
    int Probes,
    int Batch,
    bool Float64,
    long Params,
    int Threads,
    int Repeats,
    IReadOnlyList<DiffeoBenchWay> Ways,
    IReadOnlyList<DiffeoBenchRun> Runs,
    string? PeerNote,
    string? OmpWaitPolicy,
    string? TorchVersion)
{
    public DiffeoBenchWay? Way(string way) => Ways.FirstOrDefault(w => w.Way == way);

    /// <summary>Deformed images per second, Myopia / the authors' per-image deform() in PyTorch.</summary>
    public double? GeneratorVsPytorchPerImage => Ratio(DiffeoWays.MyopiaGenerator, DiffeoWays.PytorchPerImage);

    /// <summary>Deformed images per second, Myopia / the same arithmetic batched in PyTorch.</summary>
    public double? GeneratorVsPytorchBatched => Ratio(DiffeoWays.MyopiaGenerator, DiffeoWays.PytorchBatched);

    /// <summary>Probes per second of the layer-wise pass, Myopia / PyTorch (the inverse of the ratio of seconds per pass).</summary>
    public double? PassVsPytorch => Ratio(DiffeoWays.MyopiaPass, DiffeoWays.PytorchPass);

    /// <summary>Nodes Myopia's pass measured (input included), or null when it did not run.</summary>
    public int? MyopiaNodes => Way(DiffeoWays.MyopiaPass)?.Nodes;

    /// <summary>Nodes the PyTorch pass measured (input included), or null when it did not run.</summary>
    public int? PytorchNodes => Way(DiffeoWays.PytorchPass)?.Nodes;

    private double? Ratio(string mine, string theirs) =>
        Way(mine)?.ItemsPerSecond is { } m && Way(theirs)?.ItemsPerSecond is { } t && t > 0 && double.IsFinite(m) ? Math.Round(m / t, 3) : null;

    /// <summary>The medians of every way that ran, in the order of <see cref="DiffeoWays.All"/>.</summary>
    public static IReadOnlyList<DiffeoBenchWay> Summarize(IEnumerable<DiffeoBenchRun> runs) =>
        runs.GroupBy(r => r.Way)
            .OrderBy(g => DiffeoWays.All.ToList().IndexOf(g.Key))
            .Select(g =>
            {
                var list = g.ToList();
                return new DiffeoBenchWay(g.Key, DiffeoWays.PeerOf(g.Key), list[0].Batch, list.Count, list[0].Items,
                    Math.Round(ShiftBenchResult.Median(list.Select(r => r.ItemsPerSecond)), 3),
                    Math.Round(ShiftBenchResult.Median(list.Select(r => r.Seconds)), 4),
                    ShiftBenchResult.Median(list.Select(r => r.Check)), list[0].Nodes);
            })
            .ToList();

    /// <summary>The figures a reader wants first, for <c>--json</c>.</summary>
    public IReadOnlyDictionary<string, object?> Headline() => new Dictionary<string, object?>
    {
        ["model"] = Model,
        ["tile"] = Tile,
        ["images"] = Images,
        ["probes"] = Probes,
        ["float64"] = Float64,
        ["threads"] = Threads,
        ["repeats"] = Repeats,
        ["myopia_images_s"] = Way(DiffeoWays.MyopiaGenerator)?.ItemsPerSecond,
        ["pytorch_per_image_images_s"] = Way(DiffeoWays.PytorchPerImage)?.ItemsPerSecond,
        ["pytorch_batched_images_s"] = Way(DiffeoWays.PytorchBatched)?.ItemsPerSecond,
        ["generator_vs_pytorch_per_image"] = GeneratorVsPytorchPerImage,
        ["generator_vs_pytorch_batched"] = GeneratorVsPytorchBatched,
        ["myopia_pass_s"] = Way(DiffeoWays.MyopiaPass)?.Seconds,
        ["pytorch_pass_s"] = Way(DiffeoWays.PytorchPass)?.Seconds,
        ["myopia_probes_s"] = Way(DiffeoWays.MyopiaPass)?.ItemsPerSecond,
        ["pytorch_probes_s"] = Way(DiffeoWays.PytorchPass)?.ItemsPerSecond,
        ["pass_vs_pytorch"] = PassVsPytorch,
        ["myopia_nodes"] = MyopiaNodes,
        ["pytorch_nodes"] = PytorchNodes,
        ["peer_note"] = PeerNote,
    };
}

/// <summary>Everything <c>myopia bench diffeo</c> measured in one run, and the machine.</summary>
public sealed record DiffeoBenchReport(DiffeoBenchResult Result, string Cpu, string Backend, string? Load);
