using System.Diagnostics;
using Myopia.Data.Formats;
using Myopia.Data.Sources;
using Myopia.Data.Storage;
using Myopia.Data.Transforms;
using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>
/// Turns an index of image files into splits: picks the resize and crop (the dataset's options, else
/// none when every sampled image has one size, else torchvision's ImageNet evaluation transform),
/// leaves out undecodable files when asked to, and holds each split in memory when it fits the
/// budget, or streams it from its files batch by batch when it does not (or draws random crops).
/// </summary>
public static class PhotoLoader
{
    /// <summary>A split whose decoded pixels exceed this many bytes is streamed under stream=auto.</summary>
    public const long MemoryBudget = 2L << 30;

    /// <summary>Images whose headers are read to see whether a dataset's images share one size.</summary>
    public const int SizeProbe = 64;

    public static DatasetSplits Load(string name, FileSet files, PhotoIndex index, DatasetOptions options, Action<string>? log)
    {
        var (train, test) = (index.Train, index.Test);
        var skipped = new List<string>();
        if (options.OnBadImage == BadImagePolicy.Skip)
        {
            train = Verify(files, train, "train", skipped, log);
            test = Verify(files, test, index.TestSplit, skipped, log);
            if (train.Count == 0) throw new MyopiaException($"{files.Origin}: no train image could be decoded");
        }
        var sizes = ProbeSizes(files, train.Concat(test).ToList());
        var pipeline = options.Pipeline ?? ChooseDefault(sizes, files.Origin, log);
        var (height, width) = pipeline.OutputSize(train: true) ?? OutputOf(pipeline, sizes[0]);
        var (testHeight, testWidth) = pipeline.OutputSize(train: false) ?? OutputOf(pipeline, sizes[0]);
        if ((height, width) != (testHeight, testWidth))
            throw new MyopiaException($"{name}: training images would be {width}x{height} but test images {testWidth}x{testHeight}; give random-resized-crop and crop the same size");
        if (options.Stream == StreamMode.No && pipeline.IsRandom)
            throw new MyopiaException($"{name}: random-resized-crop draws new crops every epoch, so the train split cannot be decoded once into memory; drop stream=no");

        long imageBytes = 3L * height * width;
        bool StreamSplit(int count, bool random) => options.Stream switch
        {
            StreamMode.Yes => true,
            StreamMode.No => false,
            _ => random || count * imageBytes > MemoryBudget,
        };
        var trainSplit = MakeSplit(name, files, train, pipeline, isTrain: true, height, width, index, StreamSplit(train.Count, pipeline.IsRandom), log);
        ImageDataset testSplit;
        try { testSplit = MakeSplit(name, files, test, pipeline, isTrain: false, height, width, index, StreamSplit(test.Count, false), log); }
        catch { trainSplit.Dispose(); throw; }
        var clock = Stopwatch.StartNew();
        var statistics = ChannelStatistics.Compute(trainSplit);
        if (trainSplit.IsStreamed)
            log?.Invoke($"per-channel statistics from {Math.Min(2000, trainSplit.Count):N0} evenly spaced train images ({clock.Elapsed.TotalSeconds:N1} s)");
        return new DatasetSplits(trainSplit, testSplit, statistics)
        {
            SkippedImages = skipped,
            Pipeline = pipeline.IsIdentity ? null : pipeline.ToString(),
        };
    }

    private static ImagePipeline ChooseDefault(IReadOnlyList<(int Width, int Height)> sizes, string origin, Action<string>? log)
    {
        if (sizes.Distinct().Count() == 1) return ImagePipeline.None;
        var pipeline = ImagePipeline.ImageNetEvaluation;
        log?.Invoke($"{origin}: images differ in size ({sizes.Min(s => s.Width)}-{sizes.Max(s => s.Width)} x {sizes.Min(s => s.Height)}-{sizes.Max(s => s.Height)} px among {sizes.Count} sampled); " +
                    $"using torchvision's evaluation transform {pipeline} (dataset options resize=, crop=, interpolation= change it)");
        return pipeline;
    }

    private static (int Height, int Width) OutputOf(ImagePipeline pipeline, (int Width, int Height) size) =>
        pipeline.Resize is { } side ? ImagePipeline.ShortSideSize(size.Height, size.Width, side) : (size.Height, size.Width);

    // Headers of evenly spaced files: enough to tell one size from many without opening a million files.
    private static List<(int Width, int Height)> ProbeSizes(FileSet files, IReadOnlyList<PhotoFile> items)
    {
        int n = Math.Min(SizeProbe, items.Count);
        var picked = Enumerable.Range(0, n).Select(i => items[(int)((long)i * items.Count / n)].Path).ToList();
        var sizes = new (int Width, int Height)[n];
        ParallelWork.Run(() => Parallel.For(0, n, i => sizes[i] = ImageDecoder.Size(picked[i], files[picked[i]])));
        return [.. sizes];
    }

    private static ImageDataset MakeSplit(string name, FileSet files, IReadOnlyList<PhotoFile> items, ImagePipeline pipeline, bool isTrain,
        int height, int width, PhotoIndex index, bool stream, Action<string>? log)
    {
        var store = new FileImageStore(files, items.Select(i => i.Path).ToList(), pipeline, isTrain, height, width);
        using var labels = tensor(items.Select(i => (long)i.Label).ToArray(), ScalarType.Int64);
        string split = isTrain ? "train" : index.TestSplit;
        if (stream)
        {
            log?.Invoke($"{name} {split}: streaming {items.Count:N0} images from {files.Origin} ({width}x{height} after {pipeline}; decoded batch by batch)");
            return new ImageDataset(name, store, labels, index.ClassNames, classWords: index.ClassWords);
        }
        var pixels = empty([items.Count, 3, height, width], ScalarType.Byte);
        var clock = Stopwatch.StartNew();
        long lastReport = 0;
        const int chunk = 256;
        for (int start = 0; start < items.Count; start += chunk)
        {
            int n = Math.Min(chunk, items.Count - start);
            using var decoded = store.Read(Enumerable.Range(start, n).Select(i => (long)i).ToArray());
            pixels.narrow(0, start, n).copy_(decoded);
            if (log is not null && clock.ElapsedMilliseconds - lastReport > 3000)
            {
                lastReport = clock.ElapsedMilliseconds;
                double rate = (start + n) / clock.Elapsed.TotalSeconds;
                log($"{name} {split}: decoded {start + n:N0}/{items.Count:N0} images ({rate:N0}/s, ETA {(items.Count - start - n) / rate:N0} s)");
            }
        }
        log?.Invoke($"{name} {split}: {items.Count:N0} images decoded into memory ({pixels.numel() / 1e6:N0} MB, {width}x{height}{(pipeline.IsIdentity ? "" : " after " + pipeline)}) in {clock.Elapsed.TotalSeconds:N1} s");
        return new ImageDataset(name, new TensorImageStore(pixels), labels, index.ClassNames, classWords: index.ClassWords);
    }

    /// <summary>Decodes every file once and leaves out those that fail, naming each and why.</summary>
    private static List<PhotoFile> Verify(FileSet files, IReadOnlyList<PhotoFile> items, string split, List<string> skipped, Action<string>? log)
    {
        var bad = new string?[items.Count];
        var clock = Stopwatch.StartNew();
        ParallelWork.Run(() => Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try { ImageDecoder.DecodePlanar(items[i].Path, files[items[i].Path]); }
            catch (MyopiaException e) { bad[i] = e.Message; }
        }));
        var kept = new List<PhotoFile>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (bad[i] is { } reason) skipped.Add($"{split}\t{items[i].Path}\t{(reason.StartsWith(items[i].Path + ": ", StringComparison.Ordinal) ? reason[(items[i].Path.Length + 2)..] : reason)}");
            else kept.Add(items[i]);
        }
        int dropped = items.Count - kept.Count;
        log?.Invoke($"checked {items.Count:N0} {split} images in {clock.Elapsed.TotalSeconds:N1} s ({items.Count / Math.Max(1e-9, clock.Elapsed.TotalSeconds):N0}/s): " +
                    (dropped == 0 ? "all decode" : $"{dropped:N0} cannot be decoded and are skipped"));
        return kept;
    }
}
