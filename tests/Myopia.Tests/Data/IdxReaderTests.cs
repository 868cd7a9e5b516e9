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
}
