namespace Myopia.Benchmarks;

/// <summary>The two sides of <c>myopia bench data</c>.</summary>
public static class DecodeSides
{
    /// <summary>Myopia's streamed photo dataset (FileImageStore): each batch decoded in parallel on every core, the next one prefetched.</summary>
    public const string Myopia = "myopia";

    /// <summary>torchvision's ImageFolder through a DataLoader with worker processes (src/Myopia/Benchmarks/Peers/decode_peer.py).</summary>
    public const string Pytorch = "pytorch";

    public static readonly IReadOnlyList<string> All = [Myopia, Pytorch];
}

/// <summary>One timed pass: <paramref name="Images"/> photos decoded, resized and cropped in <paramref name="Seconds"/>.</summary>
/// <param name="Checksum">The sum of every pixel value of the pass (int64): the same on both sides when they produce the same pixels.</param>
public sealed record DecodeBenchRun(string Side, int Repeat, int Images, int Batch, double Seconds, long Checksum)
{
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : double.NaN;
}

/// <summary>The medians of one side over its repeats; <paramref name="Checksum"/> is its first run's (every run of a side gives the same).</summary>
public sealed record DecodeBenchSide(string Side, int Runs, double ImagesPerSecond, double Seconds, long Checksum, bool ChecksumStable);

/// <summary>
/// What <c>myopia bench data</c> measured: photos per second of Myopia's streamed reading and of torchvision's
/// DataLoader on the same photos, every run, the ratio Myopia / PyTorch (above 1: Myopia is faster) and whether
/// both produced the same pixels. A side that did not run is absent and the ratio null; <see cref="PeerNote"/>
/// says why the PyTorch peer did not run.
/// </summary>
/// <param name="Pipeline">The dataset options both sides apply ("resize=256,crop=224,interpolation=bilinear").</param>
/// <param name="SplitImages">Images in the split, of which <paramref name="Images"/> evenly spaced ones are read.</param>
/// <param name="MyopiaThreads">Threads Myopia decodes a batch on (every core).</param>
/// <param name="PytorchWorkers">DataLoader worker processes of the peer.</param>
public sealed record DecodeBenchResult(
    string DataDir,
    string Split,
    string Pipeline,
    int Images,
    int SplitImages,
    int Height,
    int Width,
    int Batch,
    int Repeats,
    int MyopiaThreads,
    int PytorchWorkers,
    IReadOnlyList<DecodeBenchSide> Sides,
    IReadOnlyList<DecodeBenchRun> Runs,
    string? PeerNote,
    string? TorchVersion,
    string? TorchvisionVersion)
{
    public DecodeBenchSide? Side(string side) => Sides.FirstOrDefault(s => s.Side == side);

    /// <summary>Myopia images/s / PyTorch images/s (medians); null without the peer.</summary>
    public double? MyopiaVsPytorch =>
        Side(DecodeSides.Myopia)?.ImagesPerSecond is { } m && Side(DecodeSides.Pytorch)?.ImagesPerSecond is { } t && t > 0 && double.IsFinite(m)
            ? Math.Round(m / t, 3) : null;

    /// <summary>True when both sides summed to the same pixels in every run; null without the peer.</summary>
    public bool? ChecksumsEqual =>
        Side(DecodeSides.Pytorch) is null ? null : Runs.Select(r => r.Checksum).Distinct().Count() == 1;

    /// <summary>The medians of every side that ran, Myopia first.</summary>
    public static IReadOnlyList<DecodeBenchSide> Summarize(IEnumerable<DecodeBenchRun> runs) =>
        runs.GroupBy(r => r.Side)
            .OrderBy(g => DecodeSides.All.ToList().IndexOf(g.Key))
            .Select(g =>
            {
                var list = g.ToList();
                return new DecodeBenchSide(g.Key, list.Count,
                    Math.Round(ShiftBenchResult.Median(list.Select(r => r.ImagesPerSecond)), 2),
                    Math.Round(ShiftBenchResult.Median(list.Select(r => r.Seconds)), 4),
                    list[0].Checksum, list.All(r => r.Checksum == list[0].Checksum));
            })
            .ToList();

    /// <summary>The figures a reader wants first, for <c>--json</c>.</summary>
    public IReadOnlyDictionary<string, object?> Headline() => new Dictionary<string, object?>
    {
        ["split"] = Split,
        ["pipeline"] = Pipeline,
        ["images"] = Images,
        ["batch"] = Batch,
        ["repeats"] = Repeats,
        ["myopia_threads"] = MyopiaThreads,
        ["pytorch_workers"] = PytorchWorkers,
        ["myopia_images_s"] = Side(DecodeSides.Myopia)?.ImagesPerSecond,
        ["pytorch_images_s"] = Side(DecodeSides.Pytorch)?.ImagesPerSecond,
        ["myopia_vs_pytorch"] = MyopiaVsPytorch,
        ["myopia_checksum"] = Side(DecodeSides.Myopia)?.Checksum,
        ["pytorch_checksum"] = Side(DecodeSides.Pytorch)?.Checksum,
        ["checksums_equal"] = ChecksumsEqual,
        ["peer_note"] = PeerNote,
    };
}

/// <summary>Everything <c>myopia bench data</c> measured in one run, and the machine.</summary>
public sealed record DecodeBenchReport(DecodeBenchResult Result, string Cpu, string Load);
