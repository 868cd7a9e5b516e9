using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class CifarBinaryReaderTests
{
    [Fact]
    public void Cifar10BinaryRecordsGiveRgbPlanesAndLabelsInFileOrder()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp["cifar-10-batches-bin"], perTrainBatch: 2, testCount: 3);
        using var loaded = DatasetCatalog.LoadWithSource("cifar10", temp.Path, cache: new DatasetCache(temp["cache"]));

        Assert.Equal("cifar10-binary", loaded.Format);
        var train = loaded.Splits.Train;
        Assert.Equal(new long[] { 10, 3, 32, 32 }, train.Images.shape);
        Assert.Equal(3, loaded.Splits.Test.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)OfficialFormatFiles.CifarLabel(i, 10)), DataAssert.Labels(train));
        Assert.Equal("airplane", train.ClassNames[0]);
        Assert.Equal("truck", train.ClassNames[9]);
        DataAssert.PixelsAre(train, i => i);
        DataAssert.PixelsAre(loaded.Splits.Test, i => 1000 + i);
    }

    [Fact]
    public void Cifar10BinaryIsReadStraightFromItsTarGz()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp["src/cifar-10-batches-bin"], perTrainBatch: 1, testCount: 2);
        OfficialFormatFiles.TarGz(temp["src"], temp["cifar-10-binary.tar.gz"]);
        using var loaded = DatasetCatalog.LoadWithSource("cifar10", temp["cifar-10-binary.tar.gz"], cache: new DatasetCache(temp["cache"]));
        Assert.Equal("cifar10-binary", loaded.Format);
        Assert.Equal(5, loaded.Splits.Train.Count);
        DataAssert.PixelsAre(loaded.Splits.Train, i => i);
    }

    [Fact]
    public void TruncatedBatchIsRejectedNamingTheFileAndTheRecordSize()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp.Path, perTrainBatch: 2, testCount: 1, truncateBatch3: 1);
        var error = Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("cifar10", temp.Path));
        Assert.Equal("data_batch_3.bin: 6,145 bytes is not a whole number of 3073-byte records", error.Message);
    }

    [Fact]
    public void LabelOutsideTenClassesIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp.Path, perTrainBatch: 1, testCount: 1, labelOverride: 10);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("cifar10", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Contains("data_batch_1.bin", error.Message);
        Assert.Contains("label 10", error.Message);
    }

    [Fact]
    public void Cifar100UsesTheFineLabelNotTheCoarseOne()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar100Binary(temp["cifar-100-binary"], trainCount: 6, testCount: 2);
        using var loaded = DatasetCatalog.LoadWithSource("cifar100", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal("cifar100-binary", loaded.Format);
        Assert.Equal(100, loaded.Splits.Train.ClassCount);
        Assert.Equal("fine07", loaded.Splits.Train.ClassNames[7]);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)OfficialFormatFiles.CifarLabel(i, 100)), DataAssert.Labels(loaded.Splits.Train));
        DataAssert.PixelsAre(loaded.Splits.Train, i => i);
        DataAssert.PixelsAre(loaded.Splits.Test, i => 1000 + i);
    }

    [Fact]
    public void Cifar100WithAPartialRecordIsRejected()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar100Binary(temp.Path, trainCount: 2, testCount: 1);
        File.WriteAllBytes(temp["test.bin"], new byte[3073]); // a CIFAR-10 sized record is not a CIFAR-100 one
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("cifar100", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal("test.bin: 3,073 bytes is not a whole number of 3074-byte records", error.Message);
    }
}
