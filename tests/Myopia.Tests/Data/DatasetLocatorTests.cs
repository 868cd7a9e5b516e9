using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class DatasetLocatorTests
{
    [Fact]
    public void MissingPathGivesAClearErrorNamingWhatWasLookedFor()
    {
        using var temp = new TempFolder();
        var missing = temp["nowhere"];
        var error = Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("cifar10", missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("data_batch_", error.Message);
        Assert.Contains("myopia data fetch cifar10", error.Message);
    }

    [Fact]
    public void FolderWithoutTheDatasetIsRejectedWithTheLayoutExpected()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["readme.txt"], "nothing here");
        var error = Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("stl10", temp.Path));
        Assert.StartsWith("stl10: no data found; looked in " + temp.Path, error.Message);
        Assert.Contains("train_X.bin", error.Message);
    }

    [Fact]
    public void UnknownDatasetNameListsTheKnownOnes()
    {
        var error = Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("cifar11", null));
        Assert.Contains("unknown dataset 'cifar11'", error.Message);
        Assert.Contains("tiny-imagenet", error.Message);
    }

    [Fact]
    public void ArchiveInsideTheGivenFolderIsFoundByItsName()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp["src/cifar-10-batches-bin"], perTrainBatch: 1, testCount: 1);
        Directory.CreateDirectory(temp["data"]);
        OfficialFormatFiles.TarGz(temp["src"], temp["data/cifar-10-binary.tar.gz"]);
        using var loaded = DatasetCatalog.LoadWithSource("cifar10", temp["data"], cache: new DatasetCache(temp["cache"]));
        Assert.Equal(temp["data/cifar-10-binary.tar.gz"], loaded.Source);
        Assert.Equal(5, loaded.Splits.Train.Count);
    }

    [Fact]
    public void NamedSubfolderIsPreferredInASharedDataFolder()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["fashion-mnist"], trainCount: 2, testCount: 1, gzip: false);
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 3, testCount: 1, gzip: false);
        using var loaded = DatasetCatalog.LoadWithSource("mnist", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal(temp["mnist"], loaded.Source);
        Assert.Equal(3, loaded.Splits.Train.Count);
    }

    [Fact]
    public void TextFileGivenAsDataDirIsRejected()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["notes.txt"], "x");
        var error = Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("cifar10", temp["notes.txt"]));
        Assert.Contains("not a folder or a supported archive", error.Message);
    }

    [Fact]
    public void CorruptArchiveIsRejectedNamingIt()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp["src"], perTrainBatch: 1, testCount: 1);
        OfficialFormatFiles.TarGz(temp["src"], temp["c.tar.gz"]);
        var bytes = File.ReadAllBytes(temp["c.tar.gz"]);
        File.WriteAllBytes(temp["c.tar.gz"], bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("cifar10", temp["c.tar.gz"], cache: new DatasetCache(temp["cache"])));
        Assert.Contains("c.tar.gz", error.Message);
    }

    [Fact]
    public void FilesUnderAnotherDatasetsNameAreNotTakenForThisOne()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteIdx(temp["mnist"], trainCount: 2, testCount: 1, gzip: false);
        Assert.Null(DatasetLocator.TryLocate(DatasetCatalog.Get("fashion-mnist"), temp.Path, out _));
        Assert.NotNull(DatasetLocator.TryLocate(DatasetCatalog.Get("mnist"), temp.Path, out _));
    }
}
