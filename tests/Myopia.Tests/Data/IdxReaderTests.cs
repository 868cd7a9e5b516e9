using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MnistIdxGivesOneChannelRowMajorImages(bool gzip)
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 4, testCount: 3, gzip);
        using var loaded = DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal(new long[] { 4, 1, 28, 28 }, loaded.Splits.Train.Images.shape);
        Assert.Equal(new long[] { 3, 1, 28, 28 }, loaded.Splits.Test.Images.shape);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => (long)OfficialFormatFiles.IdxLabel(i)), DataAssert.Labels(loaded.Splits.Train));
        DataAssert.PixelsAre(loaded.Splits.Train, i => i);
        DataAssert.PixelsAre(loaded.Splits.Test, i => 500 + i);
        Assert.Single(loaded.Splits.Normalization.Mean);
    }

    [Fact]
    public void NonSquareImagesKeepRowsAndColumnsApart()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 2, testCount: 1, gzip: false, rows: 5, cols: 9);
        using var loaded = DatasetCatalog.LoadWithSource("fashion-mnist", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal(new long[] { 2, 1, 5, 9 }, loaded.Splits.Train.Images.shape);
        Assert.Equal("Ankle boot", loaded.Splits.Train.ClassNames[9]);
        DataAssert.PixelsAre(loaded.Splits.Train, i => i);
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 2, testCount: 1, gzip: false);
        // A labels file where the images should be.
        File.Copy(temp["train-labels-idx1-ubyte"], temp["train-images-idx3-ubyte"], overwrite: true);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal("train-images-idx3-ubyte: magic number 2049, expected 2051 (IDX uint8 images)", error.Message);
    }

    [Fact]
    public void CountThatDoesNotMatchTheFileLengthIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 3, testCount: 1, gzip: true);
        var truncated = OfficialFormatFiles.IdxImages(3, 0, 28, 28)[..^10];
        OfficialFormatFiles.Write(temp["train-images-idx3-ubyte"], truncated, gzip: true);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal("train-images-idx3-ubyte.gz: 2,358 bytes, but the header announces 3 images of 28x28 (2,368 bytes)", error.Message);
    }

    [Fact]
    public void LabelCountDifferentFromImageCountIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 3, testCount: 1, gzip: false);
        File.WriteAllBytes(temp["train-labels-idx1-ubyte"], OfficialFormatFiles.IdxLabels(2, 0));
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Contains("2 labels but train-images-idx3-ubyte has 3 images", error.Message);
    }

    [Fact]
    public void TruncatedGzipIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 50, testCount: 1, gzip: true);
        var gz = File.ReadAllBytes(temp["train-images-idx3-ubyte.gz"]);
        File.WriteAllBytes(temp["train-images-idx3-ubyte.gz"], gz[..(gz.Length / 2)]);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.StartsWith("train-images-idx3-ubyte.gz: ", error.Message);
    }

    // ---- absurd headers and bombs ----

    private static byte[] ImagesHeader(int count, int rows, int cols)
    {
        var header = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, 2051);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), cols);
        return header;
    }

    [Theory]
    [InlineData(false, 1, 100_000, 100_000, "header announces 100000x100000 images; refusing images over 16384 px per side or 67 megapixels")]
    [InlineData(true, 1, 100_000, 100_000, "header announces 100000x100000 images; refusing images over 16384 px per side or 67 megapixels")]
    [InlineData(true, 100_000_000, 28, 28, "header announces 100,000,000 images of 28x28 (78,400,000,016 bytes), more than one split can hold")]
    public void AbsurdHeaderIsRefusedBeforeAllocation(bool gzip, int count, int rows, int cols, string why)
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 2, testCount: 1, gzip);
        File.Delete(temp["train-images-idx3-ubyte" + (gzip ? ".gz" : "")]);
        OfficialFormatFiles.Write(temp["train-images-idx3-ubyte"], [.. ImagesHeader(count, rows, cols), .. new byte[100]], gzip);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal($"train-images-idx3-ubyte{(gzip ? ".gz" : "")}: {why}", error.Message);
    }

    [Fact]
    public void GzipHoldingMoreThanItsHeaderAnnouncesIsRefusedWithoutDecompressingTheRest()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 2, testCount: 1, gzip: true);
        // A valid two-image file followed by 256 MiB of zeros, streamed into the gzip.
        using (var file = File.Create(temp["train-images-idx3-ubyte.gz"]))
        using (var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        {
            gz.Write(OfficialFormatFiles.IdxImages(2, 0, 28, 28));
            new HostileArchives.ZeroStream(256L << 20).CopyTo(gz);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal("train-images-idx3-ubyte.gz: holds more data than its header announces (1,584 bytes); refusing it (damaged, or a decompression bomb)", error.Message);
        Assert.True(clock.Elapsed.TotalSeconds < 1, $"took {clock.Elapsed.TotalSeconds:N1} s: the rest was decompressed");
    }

    [Fact]
    public void GzipWithAWrongCrcIsRefused()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp.Path, trainCount: 2, testCount: 1, gzip: true);
        HostileArchives.FlipByte(temp["train-labels-idx1-ubyte.gz"], -8);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.StartsWith("train-labels-idx1-ubyte.gz: corrupt or truncated gzip data", error.Message);
        Assert.False(Directory.Exists(temp["cache"]) && Directory.EnumerateFiles(temp["cache"]).Any());
    }
}
