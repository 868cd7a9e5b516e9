using System.Diagnostics;
using Myopia.Data;
using Myopia.Data.Cache;
using Myopia.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Myopia.Tests.Data;

/// <summary>The real CIFAR-10 (JPEG ImageFolder in a tar.gz) and MNIST (IDX .gz) copies in ../shared/data.</summary>
public class RealDataTests(ITestOutputHelper output)
{
    // A cache of its own, kept between runs so only the first run pays for decoding.
    private static readonly DatasetCache Cache = new(Path.Combine(Path.GetTempPath(), "myopia-tests-cache"));

    [RealDataFact]
    public void Cifar10ArchiveHasTheOfficialCountsClassesAndStatistics()
    {
        var clock = Stopwatch.StartNew();
        using var loaded = DatasetCatalog.LoadWithSource("cifar10", SharedData.Cifar10Archive, output.WriteLine, Cache);
        output.WriteLine($"load took {clock.Elapsed.TotalSeconds:N2} s (from cache: {loaded.FromCache})");
        var (train, test) = (loaded.Splits.Train, loaded.Splits.Test);

        Assert.Equal("cifar10-imagefolder", loaded.Format);
        Assert.Equal(new long[] { 50_000, 3, 32, 32 }, train.Images.shape);
        Assert.Equal(new long[] { 10_000, 3, 32, 32 }, test.Images.shape);
        Assert.Equal(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"], train.ClassNames);
        using var trainCounts = train.Labels.bincount(null);
        Assert.All(trainCounts.data<long>().ToArray(), n => Assert.Equal(5_000, n));
        using var testCounts = test.Labels.bincount(null);
        Assert.All(testCounts.data<long>().ToArray(), n => Assert.Equal(1_000, n));

        var mean = loaded.Splits.Normalization.Mean;
        var std = loaded.Splits.Normalization.Std;
        output.WriteLine($"mean {string.Join(", ", mean.Select(m => m.ToString("F4")))}; std {string.Join(", ", std.Select(s => s.ToString("F4")))}");
        Assert.Equal(0.491, mean[0], 0.003);
        Assert.Equal(0.482, mean[1], 0.003);
        Assert.Equal(0.447, mean[2], 0.003);
        Assert.Equal(0.245, std[0], 0.005);
    }

    [RealDataFact]
    public void Cifar10FromTheCacheHasThePixelsOfAFreshJpegDecode()
    {
        // A cache of its own that starts empty forces a real decode of every JPEG; the shared cache
        // (filled by an earlier run or by the load below) must hold exactly the same pixels and labels.
        var freshDir = Directory.CreateTempSubdirectory("myopia-fresh-cache-").FullName;
        try
        {
            using var decoded = DatasetCatalog.LoadWithSource("cifar10", SharedData.Cifar10Archive, output.WriteLine, new DatasetCache(freshDir));
            Assert.False(decoded.FromCache);
            DatasetCatalog.LoadWithSource("cifar10", SharedData.Cifar10Archive, output.WriteLine, Cache).Dispose();
            var clock = Stopwatch.StartNew();
            using var cached = DatasetCatalog.LoadWithSource("cifar10", SharedData.Cifar10Archive, output.WriteLine, Cache);
            output.WriteLine($"cached load took {clock.Elapsed.TotalSeconds:N3} s");
            Assert.True(cached.FromCache);
            Assert.True(decoded.Splits.Train.Images.eq(cached.Splits.Train.Images).all().item<bool>(), "cached train pixels differ from a fresh decode");
            Assert.True(decoded.Splits.Test.Images.eq(cached.Splits.Test.Images).all().item<bool>(), "cached test pixels differ from a fresh decode");
            Assert.True(decoded.Splits.Train.Labels.eq(cached.Splits.Train.Labels).all().item<bool>());
            Assert.True(decoded.Splits.Test.Labels.eq(cached.Splits.Test.Labels).all().item<bool>());
            Assert.Equal(decoded.Splits.Normalization.Mean, cached.Splits.Normalization.Mean);
        }
        finally
        {
            Directory.Delete(freshDir, recursive: true);
        }
    }

    [RealDataFact]
    public void MnistHasTheKnownFirstLabelsAndStatistics()
    {
        using var loaded = DatasetCatalog.LoadWithSource("mnist", SharedData.MnistFolder, output.WriteLine, Cache);
        var train = loaded.Splits.Train;
        Assert.Equal(new long[] { 60_000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 10_000, 1, 28, 28 }, loaded.Splits.Test.Images.shape);
        Assert.Equal(new long[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, train.Labels.narrow(0, 0, 10).data<long>().ToArray());
        Assert.Equal(0.1307, loaded.Splits.Normalization.Mean[0], 0.0001);
        Assert.Equal(0.3081, loaded.Splits.Normalization.Std[0], 0.0001);
    }

    [RealDataFact]
    public void MnistIsFoundInsideTheSharedDataFolder()
    {
        // The folder holding both datasets: the loader must pick mnist/ (and the archive for cifar10).
        using var loaded = DatasetCatalog.LoadWithSource("mnist", SharedData.Root, output.WriteLine, Cache);
        Assert.Equal(60_000, loaded.Splits.Train.Count);
        Assert.EndsWith("mnist", loaded.Source);
    }
}
