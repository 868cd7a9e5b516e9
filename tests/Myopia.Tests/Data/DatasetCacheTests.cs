using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class DatasetCacheTests
{
    private static LoadedDataset LoadMnist(TempFolder temp) =>
        DatasetCatalog.LoadWithSource("mnist", temp["mnist"], cache: new DatasetCache(temp["cache"]));

    private static string OnlyCacheFile(TempFolder temp) => Assert.Single(Directory.GetFiles(temp["cache"], "*.mdc"));

    [Fact]
    public void SecondLoadComesFromTheCacheWithIdenticalTensorsAndStatistics()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 20, testCount: 5, gzip: true);
        using var first = LoadMnist(temp);
        using var second = LoadMnist(temp);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Format, second.Format);
        Assert.True(first.Splits.Train.Images.eq(second.Splits.Train.Images).all().item<bool>());
        Assert.Equal(DataAssert.Labels(first.Splits.Test), DataAssert.Labels(second.Splits.Test));
        Assert.Equal(first.Splits.Train.ClassNames, second.Splits.Train.ClassNames);
        Assert.Equal(first.Splits.Normalization.Mean, second.Splits.Normalization.Mean);
        Assert.Equal(first.Splits.Normalization.Std, second.Splits.Normalization.Std);
        DataAssert.PixelsAre(second.Splits.Train, i => i);
    }

    [Theory]
    [InlineData("flip a pixel byte")]
    [InlineData("flip a label byte")]
    [InlineData("truncate")]
    [InlineData("append")]
    [InlineData("garbage header")]
    [InlineData("empty")]
    public void DamagedCacheFileIsDetectedAndRebuilt(string damage)
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 20, testCount: 5, gzip: false);
        LoadMnist(temp).Dispose();
        var path = OnlyCacheFile(temp);
        var bytes = File.ReadAllBytes(path);
        var headerEnd = bytes.Length - 16 - 25 * 8 - 25 * 784; // payload: 20+5 images, 25 labels
        switch (damage)
        {
            case "flip a pixel byte": bytes[headerEnd + 5000] ^= 0x40; break;
            case "flip a label byte": bytes[bytes.Length - 16 - 8 * 5 + 3] ^= 0x01; break;
            case "truncate": bytes = bytes[..^7]; break;
            case "append": bytes = [.. bytes, 0]; break;
            case "garbage header": bytes[20] ^= 0xFF; break;
            case "empty": bytes = []; break;
        }
        File.WriteAllBytes(path, bytes);

        var messages = new List<string>();
        using var reloaded = DatasetCatalog.LoadWithSource("mnist", temp["mnist"], messages.Add, new DatasetCache(temp["cache"]));
        Assert.False(reloaded.FromCache);
        Assert.Contains(messages, m => m.Contains("is invalid") && m.Contains("rebuilding"));
        DataAssert.PixelsAre(reloaded.Splits.Train, i => i);
        Assert.Equal(Enumerable.Range(500, 5).Select(i => (long)OfficialFormatFiles.IdxLabel(i)), DataAssert.Labels(reloaded.Splits.Test));
        // The rebuilt file is whole again.
        using var third = LoadMnist(temp);
        Assert.True(third.FromCache);
    }

    [Theory]
    [InlineData("normalization mean")]
    [InlineData("class names swapped")]
    [InlineData("format")]
    public void EditedHeaderWithAnIntactPayloadIsDetectedAndRebuilt(string edit)
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 20, testCount: 5, gzip: false);
        float[] mean;
        using (var first = LoadMnist(temp)) mean = first.Splits.Normalization.Mean;
        var path = OnlyCacheFile(temp);
        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToInt32(bytes, 12);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 16, headerLength);
        // Each edit keeps the JSON valid and the same length, so only the checksum can notice it.
        var edited = edit switch
        {
            "normalization mean" => System.Text.RegularExpressions.Regex.Replace(header, "(?i)(\"mean\":\\[0\\.)(\\d)",
                m => m.Groups[1].Value + (m.Groups[2].Value == "9" ? "1" : "9")),
            "class names swapped" => header.Replace("[\"0\",\"1\",", "[\"1\",\"0\","),
            _ => header.Replace("mnist-idx", "mnist-idy"),
        };
        Assert.NotEqual(header, edited);
        Assert.Equal(headerLength, System.Text.Encoding.UTF8.GetByteCount(edited));
        System.Text.Encoding.UTF8.GetBytes(edited).CopyTo(bytes, 16);
        File.WriteAllBytes(path, bytes);

        var messages = new List<string>();
        using var reloaded = DatasetCatalog.LoadWithSource("mnist", temp["mnist"], messages.Add, new DatasetCache(temp["cache"]));
        Assert.False(reloaded.FromCache);
        Assert.Contains(messages, m => m.Contains("is invalid") && m.Contains("rebuilding"));
        Assert.Equal(mean, reloaded.Splits.Normalization.Mean);
        Assert.Equal(IdxClassNames, reloaded.Splits.Train.ClassNames);
        Assert.Equal("mnist-idx", reloaded.Format);
    }

    private static readonly string[] IdxClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    [Fact]
    public void ChangedSourceFileIsNotServedFromTheOldCache()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 4, testCount: 2, gzip: false);
        LoadMnist(temp).Dispose();
        // Same size, different content and time: the key (path, size, mtime) must change.
        var labels = OfficialFormatFiles.IdxLabels(4, 0);
        labels[8] = 9;
        File.WriteAllBytes(temp["mnist/train-labels-idx1-ubyte"], labels);
        File.SetLastWriteTimeUtc(temp["mnist/train-labels-idx1-ubyte"], DateTime.UtcNow.AddMinutes(5));
        using var reloaded = LoadMnist(temp);
        Assert.False(reloaded.FromCache);
        Assert.Equal(9, DataAssert.Labels(reloaded.Splits.Train)[0]);
    }

    [Fact]
    public void CacheFilesAreWrittenAtomicallyWithNoTemporaryLeftBehind()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 4, testCount: 2, gzip: false);
        LoadMnist(temp).Dispose();
        Assert.Equal([OnlyCacheFile(temp)], Directory.GetFiles(temp["cache"]));
    }

    [Fact]
    public void ComputedStatisticsMatchADirectComputation()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp.Path, perTrainBatch: 3, testCount: 1);
        using var loaded = DatasetCatalog.LoadWithSource("cifar10", temp.Path, cache: new DatasetCache(temp["cache"]));
        using var pixels = loaded.Splits.Train.Images.to_type(TorchSharp.torch.ScalarType.Float64) / 255.0;
        for (var c = 0; c < 3; c++)
        {
            using var channel = pixels.select(1, c);
            Assert.Equal(channel.mean().item<double>(), loaded.Splits.Normalization.Mean[c], 5);
            Assert.Equal(channel.std(unbiased: false).item<double>(), loaded.Splits.Normalization.Std[c], 5);
        }
    }
}
