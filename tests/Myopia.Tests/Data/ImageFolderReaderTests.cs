using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class ImageFolderReaderTests
{
    /// <summary>root/{train,test}/{Zebra,apple}/k.png: image id = 100*split + 10*class + k.</summary>
    private static void WriteTree(string root, int width = 7, int height = 5)
    {
        string[] classes = ["apple", "Zebra"]; // ordinal order puts "Zebra" (uppercase) first
        foreach (var (split, s) in new[] { ("train", 0), ("test", 1) })
            for (var c = 0; c < 2; c++)
                for (var k = 0; k < 2; k++)
                    OfficialFormatFiles.WriteBytes(Path.Combine(root, split, classes[c], $"{k}.png"),
                        OfficialFormatFiles.Png(100 * s + 10 * c + k, width, height));
    }

    [Fact]
    public void ClassesFollowOrdinalFolderOrderAndPixelsAreExactRgb()
    {
        using var temp = new TempFolder();
        WriteTree(temp["data"]);
        using var loaded = DatasetCatalog.LoadWithSource("imagefolder", temp["data"], cache: new DatasetCache(temp["cache"]));
        var train = loaded.Splits.Train;
        Assert.Equal(["Zebra", "apple"], train.ClassNames);
        Assert.Equal(new long[] { 4, 3, 5, 7 }, train.Images.shape);
        Assert.Equal(new long[] { 0, 0, 1, 1 }, DataAssert.Labels(train));
        // Sorted order: Zebra/0, Zebra/1, apple/0, apple/1 -> ids 10, 11, 0, 1.
        int[] trainIds = [10, 11, 0, 1];
        DataAssert.PixelsAre(train, i => trainIds[i]);
        DataAssert.PixelsAre(loaded.Splits.Test, i => 100 + trainIds[i]);
    }

    [Fact]
    public void TarGzOfTheTreeGivesTheSameDataAsTheFolder()
    {
        using var temp = new TempFolder();
        WriteTree(temp["tree/mydata"]);
        OfficialFormatFiles.TarGz(temp["tree"], temp["mydata.tar.gz"]);
        using var fromFolder = DatasetCatalog.LoadWithSource("imagefolder", temp["tree"], cache: new DatasetCache(temp["cache"]));
        using var fromArchive = DatasetCatalog.LoadWithSource("imagefolder", temp["mydata.tar.gz"], cache: new DatasetCache(temp["cache"]));
        Assert.True(fromFolder.Splits.Train.Images.eq(fromArchive.Splits.Train.Images).all().item<bool>());
        Assert.Equal(DataAssert.Labels(fromFolder.Splits.Test), DataAssert.Labels(fromArchive.Splits.Test));
    }

    [Fact]
    public void ValSplitIsUsedWhenThereIsNoTestSplit()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteBytes(temp["train/a/0.png"], OfficialFormatFiles.Png(0, 4, 4));
        OfficialFormatFiles.WriteBytes(temp["train/b/0.png"], OfficialFormatFiles.Png(1, 4, 4));
        OfficialFormatFiles.WriteBytes(temp["val/a/0.png"], OfficialFormatFiles.Png(3, 4, 4));
        OfficialFormatFiles.WriteBytes(temp["val/b/0.png"], OfficialFormatFiles.Png(2, 4, 4));
        using var loaded = DatasetCatalog.LoadWithSource("imagefolder", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal(2, loaded.Splits.Test.Count);
        Assert.Equal([0L, 1L], DataAssert.Labels(loaded.Splits.Test));
    }

    [Fact]
    public void GrayscaleImagesBecomeThreeEqualChannels()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteBytes(temp["train/a/0.png"], OfficialFormatFiles.Png(3, 6, 4, grayscale: true));
        OfficialFormatFiles.WriteBytes(temp["train/b/0.png"], OfficialFormatFiles.Png(3, 6, 4, grayscale: true));
        OfficialFormatFiles.WriteBytes(temp["test/a/0.png"], OfficialFormatFiles.Png(4, 6, 4, grayscale: true));
        OfficialFormatFiles.WriteBytes(temp["test/b/0.png"], OfficialFormatFiles.Png(4, 6, 4, grayscale: true));
        using var loaded = DatasetCatalog.LoadWithSource("imagefolder", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal(3, loaded.Splits.Train.Channels);
        DataAssert.PixelsAre(loaded.Splits.Train, _ => 3, grayToRgb: true);
    }

    [Fact]
    public void JpegImagesDecodeCloseToTheirSource()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteBytes(temp["train/a/0.jpg"], OfficialFormatFiles.Jpeg(0, 16, 16));
        OfficialFormatFiles.WriteBytes(temp["train/b/0.jpg"], OfficialFormatFiles.Jpeg(2, 16, 16));
        OfficialFormatFiles.WriteBytes(temp["test/a/0.jpeg"], OfficialFormatFiles.Jpeg(1, 16, 16));
        OfficialFormatFiles.WriteBytes(temp["test/b/0.jpeg"], OfficialFormatFiles.Jpeg(3, 16, 16));
        using var loaded = DatasetCatalog.LoadWithSource("imagefolder", temp.Path, cache: new DatasetCache(temp["cache"]));
        var pixels = loaded.Splits.Train.Images.data<byte>().ToArray();
        // JPEG is lossy, so compare the right reading with wrong ones: it must be much closer to the source.
        double Error(Func<int, int, int, byte> source)
        {
            double sum = 0;
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < 16; y++)
                    for (var x = 0; x < 16; x++)
                        sum += Math.Abs(pixels[(c * 16 + y) * 16 + x] - source(c, y, x));
            return sum / 768;
        }
        var right = Error((c, y, x) => OfficialFormatFiles.Pixel(0, c, y, x));
        var bgr = Error((c, y, x) => OfficialFormatFiles.Pixel(0, 2 - c, y, x));
        var transposed = Error((c, y, x) => OfficialFormatFiles.Pixel(0, c, x, y));
        var flipped = Error((c, y, x) => OfficialFormatFiles.Pixel(0, c, 15 - y, x));
        Assert.True(right < 0.5 * Math.Min(bgr, Math.Min(transposed, flipped)),
            $"mean absolute error {right:F1}; as BGR {bgr:F1}, transposed {transposed:F1}, flipped {flipped:F1}");
    }

    [Fact]
    public void ImagesOfDifferentSizesGetTorchvisionsEvaluationTransformUnlessTold()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteBytes(temp["train/a/0.png"], OfficialFormatFiles.Png(0, 8, 8));
        OfficialFormatFiles.WriteBytes(temp["train/a/1.png"], OfficialFormatFiles.Png(1, 9, 8));
        OfficialFormatFiles.WriteBytes(temp["train/b/0.png"], OfficialFormatFiles.Png(3, 8, 8));
        OfficialFormatFiles.WriteBytes(temp["test/a/0.png"], OfficialFormatFiles.Png(2, 8, 8));
        OfficialFormatFiles.WriteBytes(temp["test/b/0.png"], OfficialFormatFiles.Png(4, 8, 8));
        var cache = new DatasetCache(temp["cache"]);
        using (var loaded = DatasetCatalog.LoadWithSource("imagefolder", temp.Path, cache: cache))
        {
            Assert.Equal((224, 224), (loaded.Splits.Train.Height, loaded.Splits.Train.Width));
            Assert.Equal("resize=256,crop=224,interpolation=bilinear", loaded.Splits.Pipeline);
        }
        using (var loaded = DatasetCatalog.LoadWithSource("imagefolder:resize=6,crop=5,interpolation=nearest", temp.Path, cache: cache))
        {
            Assert.Equal((5, 5), (loaded.Splits.Test.Height, loaded.Splits.Test.Width));
            Assert.False(loaded.FromCache);
        }
        // A resize without a crop leaves a 9x8 image 6x6 and an 8x8 one 6x6... but 9x8 is 6x6 only by truncation: make one really differ.
        OfficialFormatFiles.WriteBytes(temp["train/a/1.png"], OfficialFormatFiles.Png(1, 16, 8));
        var error = Assert.Throws<MyopiaException>(() =>
        {
            using var loaded = DatasetCatalog.LoadWithSource("imagefolder:resize=6", temp.Path, cache: cache);
        });
        Assert.Contains("train/a/1.png is 16x8 (12x6 after resize=6,interpolation=bilinear), but the split's images are 6x6", error.Message);
    }

    [Fact]
    public void CorruptImageIsRejectedNamingTheFile()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteBytes(temp["train/a/0.png"], OfficialFormatFiles.Png(0, 8, 8));
        var truncated = OfficialFormatFiles.Jpeg(1, 8, 8);
        OfficialFormatFiles.WriteBytes(temp["train/a/1.jpg"], truncated[..(truncated.Length / 2)]);
        OfficialFormatFiles.WriteBytes(temp["train/b/0.png"], OfficialFormatFiles.Png(3, 8, 8));
        OfficialFormatFiles.WriteBytes(temp["test/a/0.png"], OfficialFormatFiles.Png(2, 8, 8));
        OfficialFormatFiles.WriteBytes(temp["test/b/0.png"], OfficialFormatFiles.Png(4, 8, 8));
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("imagefolder", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.StartsWith("train/a/1.jpg: ", error.Message);
    }

    [Fact]
    public void TestClassMissingFromTrainIsRejected()
    {
        using var temp = new TempFolder();
        WriteImages(temp, "train/a/0.png", "train/b/0.png", "test/a/0.png", "test/b/0.png", "test/c/0.png");
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("imagefolder", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Contains("class folder 'c' does not exist", error.Message);
    }

    [Fact]
    public void Cifar10ImageFolderNeedsTenClasses()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteBytes(temp["cifar10/train/a/0.png"], OfficialFormatFiles.Png(0, 4, 4));
        OfficialFormatFiles.WriteBytes(temp["cifar10/test/a/0.png"], OfficialFormatFiles.Png(1, 4, 4));
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("cifar10", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Contains("has 1 class folders, expected 10", error.Message);
    }

    // ---- trees that would silently train a different task ----

    private static void WriteImages(TempFolder temp, params string[] paths)
    {
        for (var i = 0; i < paths.Length; i++)
            OfficialFormatFiles.WriteBytes(temp["data/" + paths[i]], OfficialFormatFiles.Png(i, 4, 4));
    }

    private static MyopiaException LoadFails(string source, TempFolder temp) =>
        Assert.Throws<MyopiaException>(() => DatasetCatalog.LoadWithSource("imagefolder", source, cache: new DatasetCache(temp["cache"])));

    private static readonly string[] TwoClasses = ["train/a/0.png", "train/b/0.png", "test/a/0.png", "test/b/0.png"];

    [Theory]
    [InlineData("folder", "train")]
    [InlineData("folder", "test")]
    [InlineData("tar.gz", "train")]
    [InlineData("zip", "test")]
    [InlineData("./tar.gz", "test")] // as written by 'tar czf data.tar.gz .'
    public void EmptyClassFolderIsRefusedNamingIt(string source, string split)
    {
        using var temp = new TempFolder();
        var top = source.StartsWith("./") ? "./data/" : "data/";
        var entries = TwoClasses.Select((p, i) => new HostileArchives.Entry(top + p, OfficialFormatFiles.Png(i, 4, 4)))
            .Append(new HostileArchives.Entry($"{top}{split}/c", null)).ToList();
        var path = source == "folder" ? temp["tree"] : temp["data." + source.TrimStart('.', '/')];
        if (source == "folder")
            foreach (var e in entries)
                if (e.Data == null) Directory.CreateDirectory(Path.Combine(path, e.Name));
                else OfficialFormatFiles.WriteBytes(Path.Combine(path, e.Name), e.Data);
        else if (source == "zip") HostileArchives.Zip(path, entries);
        else HostileArchives.Tar(path, entries);
        var error = LoadFails(path, temp);
        // A folder is narrowed to the dataset's root; an archive names paths from its top.
        var (origin, folder) = source == "folder" ? (temp["tree/data"], $"{split}/c/") : (path, $"{top}{split}/c/");
        Assert.Equal($"{origin}: class folder {folder} holds no images (.jpg, .jpeg, .png); add its images or remove it", error.Message);
    }

    [Fact]
    public void ClassFolderHoldingOnlyOtherFilesIsRefused()
    {
        using var temp = new TempFolder();
        WriteImages(temp, TwoClasses);
        OfficialFormatFiles.WriteText(temp["data/train/c/readme.txt"], "images were never added");
        Assert.Contains("class folder train/c/ holds no images", LoadFails(temp["data"], temp).Message);
    }

    [Fact]
    public void HiddenFolderIsNotAClass()
    {
        using var temp = new TempFolder();
        WriteImages(temp, TwoClasses);
        Directory.CreateDirectory(temp["data/train/.ipynb_checkpoints"]);
        using var loaded = DatasetCatalog.LoadWithSource("imagefolder", temp["data"], cache: new DatasetCache(temp["cache"]));
        Assert.Equal(["a", "b"], loaded.Splits.Train.ClassNames);
    }

    [Fact]
    public void EmptyClassFolderAddedAfterCachingIsStillRefused()
    {
        using var temp = new TempFolder();
        WriteImages(temp, TwoClasses);
        DatasetCatalog.LoadWithSource("imagefolder", temp["data"], cache: new DatasetCache(temp["cache"])).Dispose();
        Directory.CreateDirectory(temp["data/test/c"]);
        Assert.Contains("class folder test/c/ holds no images", LoadFails(temp["data"], temp).Message);
    }

    [Fact]
    public void SingleClassIsRefused()
    {
        using var temp = new TempFolder();
        WriteImages(temp, "train/only/0.png", "train/only/1.png", "test/only/0.png");
        Assert.EndsWith("train/ has one class folder ('only'); a classifier needs at least two", LoadFails(temp["data"], temp).Message);
    }

    [Fact]
    public void ClassWithTrainImagesButNoTestFolderIsRefused()
    {
        using var temp = new TempFolder();
        WriteImages(temp, "train/a/0.png", "train/b/0.png", "train/c/0.png", "test/a/0.png", "test/b/0.png");
        Assert.EndsWith("class 'c' has train images but no folder in test/; every class must be in both splits", LoadFails(temp["data"], temp).Message);
    }

    // ---- absurd image headers ----

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(20_000, 4)]
    [InlineData(10_000, 10_000)] // each side allowed, too many pixels
    public void PngClaimingAnAbsurdSizeIsRefusedBeforeDecoding(int width, int height)
    {
        using var temp = new TempFolder();
        WriteImages(temp, "train/b/0.png", "test/a/0.png", "test/b/0.png");
        // First in order, so its size is the one every image is checked against.
        OfficialFormatFiles.WriteBytes(temp["data/train/a/0.png"], CraftedImages.PngHeaderOnly(width, height));
        var error = LoadFails(temp["data"], temp);
        Assert.Equal($"train/a/0.png: header claims {width}x{height} pixels; refusing images over 16384 px per side or 67 megapixels (damaged or hostile file?)", error.Message);
    }

    [Fact]
    public void JpegClaimingAnAbsurdSizeIsRefusedBeforeDecoding()
    {
        using var temp = new TempFolder();
        WriteImages(temp, "train/b/0.png", "test/a/0.png", "test/b/0.png");
        OfficialFormatFiles.WriteBytes(temp["data/train/a/0.jpg"], CraftedImages.JpegClaiming(OfficialFormatFiles.Jpeg(0, 8, 8), 60_000, 60_000));
        var error = LoadFails(temp["data"], temp);
        Assert.StartsWith("train/a/0.jpg: header claims 60000x60000 pixels; refusing", error.Message);
    }
}
