using System.Diagnostics;
using Myopia.Data;
using Myopia.Data.Cache;
using Myopia.Data.Storage;
using Myopia.Data.Transforms;
using static TorchSharp.torch;

namespace Myopia.Benchmarks;

/// <summary>What <c>myopia bench data</c> times.</summary>
/// <param name="DataDir">An ImageFolder: <c>train/&lt;class&gt;/*</c> and <c>test/</c> or <c>val/</c> beside it.</param>
/// <param name="Split">The split read (train, test or val); null: test, else val.</param>
/// <param name="Images">Evenly spaced photos of the split per timed pass (all of them when the split has fewer).</param>
/// <param name="Batch">Photos per batch, on both sides.</param>
/// <param name="Workers">DataLoader worker processes of the PyTorch peer (0: its main process decodes).</param>
public sealed record DecodeBenchOptions(string DataDir, string? Split = null, int Images = 1000, int Batch = 64, int Repeats = 3,
    int Workers = 2, int Resize = 256, int Crop = 224, string Interpolation = "bilinear")
{
    /// <summary>The split folder read: <see cref="Split"/>, or test, else val.</summary>
    public string SplitName => Split ?? (Directory.Exists(Path.Combine(DataDir, "test")) || !Directory.Exists(Path.Combine(DataDir, "val")) ? "test" : "val");

    /// <summary>The dataset options both sides apply, as Myopia's dataset names carry them.</summary>
    public string Pipeline => $"resize={Resize},crop={Crop},interpolation={Interpolations.Name(Interpolations.Parse(Interpolation))}";

    public void Validate()
    {
        if (Images < 1) throw new MyopiaException($"--images must be at least 1, got {Images}");
        if (Batch < 1) throw new MyopiaException($"--batch must be at least 1, got {Batch}");
        if (Repeats < 1) throw new MyopiaException($"--repeats must be at least 1, got {Repeats}");
        if (Workers < 0) throw new MyopiaException($"--workers must be 0 (the main process decodes) or positive, got {Workers}");
        if (Resize < 1) throw new MyopiaException($"--resize must be at least 1, got {Resize}");
        if (Crop < 1) throw new MyopiaException($"--crop must be at least 1, got {Crop}");
        Interpolations.Parse(Interpolation);
        if (Split is not null && Split is not ("train" or "test" or "val"))
            throw new MyopiaException($"--split must be train, test or val, got '{Split}'");
        if (!Directory.Exists(DataDir)) throw new MyopiaException($"--data-dir {DataDir}: folder not found");
        // The peer opens <data-dir>/<split> as it is, so Myopia must not look for the dataset anywhere else.
        if (!Directory.Exists(Path.Combine(DataDir, "train")))
            throw new MyopiaException($"--data-dir {DataDir} is not an ImageFolder: it has no train/ folder");
        if (!Directory.Exists(Path.Combine(DataDir, SplitName)))
            throw new MyopiaException($"--data-dir {DataDir} has no {SplitName}/ folder{(Split is null ? " (nor test/ or val/)" : "")}");
    }
}

/// <summary>
/// Photos per second of reading an ImageFolder for a network, Myopia against torchvision, on the same photos
/// with the same resize and crop, interleaved in one run (the order reversed on every other repeat), medians over repeats:
/// <list type="number">
/// <item>Myopia: the split as a streamed <see cref="ImageDataset"/> (<c>imagefolder:stream=yes,...</c>), read in batches with the
/// next batch prefetched as <see cref="Analysis.BatchedInference"/> does; each batch decodes in parallel on every core.</item>
/// <item>PyTorch: torchvision's ImageFolder, Resize, CenterCrop and PILToTensor through a DataLoader with worker processes (<see cref="DecodePeer"/>).</item>
/// </list>
/// Both read N evenly spaced photos of the split (index i * count / N) and sum every pixel value, so the checksums say whether
/// they produced the same pixels. Myopia's loading (listing the files, the train split's channel statistics) is not timed, nor is
/// the peer's building of its ImageFolder index; the peer's time includes starting its workers, which every epoch pays.
/// </summary>
public sealed class DecodeBenchmark(DecodeBenchOptions options, DecodePeer? peer)
{
    /// <summary>Receives one line per finished run (for progress on stderr).</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Where dataset loading may cache (null: the default cache; a streamed dataset stores no pixels there).</summary>
    public DatasetCache? Cache { get; init; }

    public DecodeBenchResult Run()
    {
        options.Validate();
        var dataDir = Path.GetFullPath(options.DataDir);
        string split = options.SplitName;
        using var loaded = DatasetCatalog.LoadWithSource($"imagefolder:stream=yes,{options.Pipeline}", dataDir, Progress, Cache);
        var whole = split == "train" ? loaded.Splits.Train : loaded.Splits.Test;
        CheckSplit(whole, split);
        int n = Math.Min(options.Images, whole.Count);
        var positions = Enumerable.Range(0, n).Select(i => (long)i * whole.Count / n).ToArray();
        using var photos = whole.Select(positions);

        using (var warm = photos.Select([0])) Measure(warm);   // JIT and decoder start-up, untimed

        string? peerNote = peer is null ? "PyTorch peer not requested (--no-peer)" : peer.CannotRun();
        if (peerNote is not null && peer is not null) Progress?.Invoke($"PyTorch peer skipped: {peerNote}");
        var runs = new List<DecodeBenchRun>();
        string? torchVersion = null, torchvisionVersion = null;
        for (int r = 0; r < options.Repeats; r++)
        {
            var order = r % 2 == 0 ? DecodeSides.All : Enumerable.Reverse(DecodeSides.All).ToList();
            foreach (var side in order)
            {
                DecodeBenchRun run;
                if (side == DecodeSides.Myopia)
                {
                    var (seconds, checksum) = Measure(photos);
                    run = new DecodeBenchRun(side, r + 1, n, options.Batch, seconds, checksum);
                }
                else
                {
                    if (peerNote is not null) continue;
                    try
                    {
                        var p = peer!.Run(dataDir, split, n, options.Batch, options.Workers, options.Resize, options.Crop, options.Interpolation.ToLowerInvariant());
                        (torchVersion, torchvisionVersion) = (p.TorchVersion, p.TorchvisionVersion);
                        if (p.SplitImages != whole.Count)
                            Progress?.Invoke($"warning: torchvision's ImageFolder sees {p.SplitImages} images in {split}/, Myopia {whole.Count} (file types each reads differ), so they read different photos");
                        run = new DecodeBenchRun(side, r + 1, p.Images, p.Batch, p.Seconds, p.Checksum);
                    }
                    catch (PeerUnavailableException e)
                    {
                        peerNote = e.Message;
                        Progress?.Invoke($"PyTorch peer skipped: {e.Message}");
                        continue;
                    }
                }
                runs.Add(run);
                Progress?.Invoke($"repeat {r + 1}/{options.Repeats} {side,-8} {run.ImagesPerSecond,8:F1} images/s ({run.Images} in {run.Seconds:F2} s, checksum {run.Checksum})");
            }
        }
        return new DecodeBenchResult(dataDir, split, options.Pipeline, n, whole.Count, photos.Height, photos.Width, options.Batch, options.Repeats,
            Environment.ProcessorCount, options.Workers, DecodeBenchResult.Summarize(runs), runs, peerNote, torchVersion, torchvisionVersion);
    }

    /// <summary>One timed pass: every batch read (the next one decoding meanwhile) and its pixels summed.</summary>
    private (double Seconds, long Checksum) Measure(ImageDataset photos)
    {
        int batch = options.Batch;
        long checksum = 0;
        var clock = Stopwatch.StartNew();
        for (long start = 0; start < photos.Count; start += batch)
        {
            long n = Math.Min(batch, photos.Count - start);
            using var pixels = photos.Read(start, n);
            photos.Prefetch(start + n, Math.Min(batch, photos.Count - start - n));
            using var sum = pixels.sum(ScalarType.Int64);
            checksum += sum.item<long>();
        }
        return (clock.Elapsed.TotalSeconds, checksum);
    }

    // Myopia reads the first of test/ and val/ that holds images; the peer reads the folder asked for. Refuse a mismatch before timing.
    private static void CheckSplit(ImageDataset data, string split)
    {
        if (data.Store is not FileImageStore files) throw new MyopiaException("bench data needs the split streamed from its files");
        var parts = files.PathOf(0).Split('/');
        var folder = parts.Length >= 3 ? parts[^3] : split;
        if (folder != split)
            throw new MyopiaException($"Myopia reads the {folder}/ folder as the test split, not {split}/; use --split {folder}");
    }
}
