using System.Diagnostics;
using Myopia.Data.Cache;
using Myopia.Data.Formats;
using Myopia.Data.Sources;

namespace Myopia.Data;

/// <summary>
/// Turns a located folder/archive into tensors: checks the decoded-tensor cache first (keyed by
/// the source's fingerprint), otherwise reads the files, picks the reader whose layout is present,
/// decodes, computes the train split's per-channel statistics, and stores everything in the cache.
/// </summary>
public static class DatasetLoader
{
    /// <summary>
    /// What identifies decoded data in the cache: cache format version, dataset name, readers, and
    /// the source's fingerprint (archive path/size/time, or every wanted file's path/size/time).
    /// </summary>
    public static string CacheKey(string name, FileTree tree, IReadOnlyList<IDatasetReader> readers) =>
        $"v{DatasetCache.FormatVersion}|{name}|{string.Join(",", readers.Select(r => r.Format))}|{tree.Fingerprint(p => readers.Any(r => r.Wants(p)))}";

    public static LoadedDataset Load(string name, FileTree tree, IReadOnlyList<IDatasetReader> readers,
        DatasetCache? cache, Action<string>? log = null, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        bool Wanted(string p) => readers.Any(r => r.Wants(p));
        // Only datasets used as they are, in memory, are cached: a resized or streamed one is read from its files.
        bool plain = options == DatasetOptions.Default || options == DatasetOptions.Default with { Labels = options.Labels };
        var key = CacheKey(name, tree, readers) + (options.Labels is { } l ? "|labels=" + l : "");
        if (plain && cache?.TryLoad(name, key, log) is var (cached, cachedFormat))
            return new LoadedDataset(name, cachedFormat, tree.Location, true, cached);

        var clock = Stopwatch.StartNew();
        var files = tree.Read(Wanted, log);
        var (reader, root) = readers
            .Select(r => (Reader: r, Root: r.FindRoot(files.Paths)))
            .FirstOrDefault(r => r.Root != null);
        if (reader == null)
            throw new MyopiaException(
                $"{tree.Location}: no {name} data found inside; expected {string.Join("; or ", readers.Select(r => r.Layout))}");
        if (reader is IPhotoReader photos)
        {
            var index = photos.Index(files, root!, log);
            if (!plain || ImagesDiffer(files, index))
                return new LoadedDataset(name, reader.Format, tree.Location, false, PhotoLoader.Load(name, files, index, options, log));
        }
        else if (!plain)
            throw new MyopiaException($"{name} ({reader.Format}) holds images of one size in one file: its only option is labels= (CIFAR-100); " +
                                      "resize, crop, stream and on-bad-image apply to datasets of image files");
        var decoded = reader.Read(files, root!, log);
        decoded.Train.Validate($"{name} train", decoded.ClassNames.Count);
        decoded.Test.Validate($"{name} test", decoded.ClassNames.Count);
        if (decoded.Train.Count == 0) throw new MyopiaException($"{tree.Location}: the {name} train split is empty");
        if (decoded.Test.Count > 0 && (decoded.Test.Channels, decoded.Test.Height, decoded.Test.Width) != (decoded.Train.Channels, decoded.Train.Height, decoded.Train.Width))
            throw new MyopiaException($"{tree.Location}: test images are {decoded.Test.Channels}x{decoded.Test.Height}x{decoded.Test.Width} but train images are {decoded.Train.Channels}x{decoded.Train.Height}x{decoded.Train.Width}");
        var statistics = ChannelStatistics.Compute(decoded.Train);
        log?.Invoke($"decoded {name} ({reader.Format}: {decoded.Train.Count:N0} train, {decoded.Test.Count:N0} test) in {clock.Elapsed.TotalSeconds:N1} s");
        cache?.Store(name, key, decoded, statistics, log);

        var train = TensorBytes.ToDataset(name, decoded.Train, decoded.ClassNames, decoded.ClassWords);
        var test = TensorBytes.ToDataset(name, decoded.Test, decoded.ClassNames, decoded.ClassWords);
        return new LoadedDataset(name, reader.Format, tree.Location, false, new DatasetSplits(train, test, statistics));
    }

    // Photos of several sizes cannot be stacked as they are: they go through the photo loader's resize and crop.
    private static bool ImagesDiffer(FileSet files, PhotoIndex index)
    {
        var items = index.Train.Concat(index.Test).ToList();
        int n = Math.Min(PhotoLoader.SizeProbe, items.Count);
        return Enumerable.Range(0, n)
            .Select(i => items[(int)((long)i * items.Count / n)].Path)
            .Select(p => Formats.ImageDecoder.Size(p, files[p]))
            .Distinct().Count() > 1;
    }
}
