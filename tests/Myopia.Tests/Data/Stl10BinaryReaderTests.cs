using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class Stl10BinaryReaderTests
{
    [Fact]
    public void ColumnMajorPlanesAreTransposedAndLabelsShiftedToZeroBased()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteStl10Binary(temp["stl10_binary"], trainCount: 3, testCount: 2);
        using var loaded = DatasetCatalog.LoadWithSource("stl10", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal("stl10-binary", loaded.Format);
        Assert.Equal(new long[] { 3, 3, 96, 96 }, loaded.Splits.Train.Images.shape);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => (long)OfficialFormatFiles.StlLabel(i)), DataAssert.Labels(loaded.Splits.Train));
        Assert.Equal("monkey", loaded.Splits.Train.ClassNames[7]);
        DataAssert.PixelsAre(loaded.Splits.Train, i => i);
        DataAssert.PixelsAre(loaded.Splits.Test, i => 500 + i);
    }

    [Fact]
    public void TruncatedImagesFileIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteStl10Binary(temp.Path, trainCount: 2, testCount: 1);
        var x = File.ReadAllBytes(temp["train_X.bin"]);
        File.WriteAllBytes(temp["train_X.bin"], x[..^100]);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("stl10", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.StartsWith("train_X.bin: 55,196 bytes is not a whole number of 3x96x96 images", error.Message);
    }

    [Fact]
    public void LabelCountMismatchAndZeroLabelAreRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteStl10Binary(temp.Path, trainCount: 2, testCount: 1);
        File.WriteAllBytes(temp["test_y.bin"], [1, 2]);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("stl10", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal("test_y.bin: 2 labels for 1 images in test_X.bin", error.Message);

        File.WriteAllBytes(temp["test_y.bin"], [0]);
        error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("stl10", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Contains("outside 1..10", error.Message);
    }
}
