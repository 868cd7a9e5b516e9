using Myopia.Data;
using Myopia.Data.Cache;

namespace Myopia.Tests.Data;

public class TinyImageNetReaderTests
{
    /// <summary>tiny-imagenet-200 with two classes listed in NON-sorted order, 2 train images each, 3 val images, 1 test image.</summary>
    private static void WriteTree(string root)
    {
        OfficialFormatFiles.WriteText(Path.Combine(root, "wnids.txt"), "n09999999\nn01111111\n");
        OfficialFormatFiles.WriteText(Path.Combine(root, "words.txt"), "n01111111\tone\nn09999999\tnine\n");
        string[] wnids = ["n09999999", "n01111111"];
        for (var c = 0; c < 2; c++)
        {
            for (var k = 0; k < 2; k++)
                OfficialFormatFiles.WriteBytes(Path.Combine(root, "train", wnids[c], "images", $"{wnids[c]}_{k}.JPEG"),
                    OfficialFormatFiles.Png(10 * c + k, 8, 8, grayscale: c == 1 && k == 1));
            OfficialFormatFiles.WriteText(Path.Combine(root, "train", wnids[c], $"{wnids[c]}_boxes.txt"), "");
        }
        for (var v = 0; v < 3; v++)
            OfficialFormatFiles.WriteBytes(Path.Combine(root, "val", "images", $"val_{v}.JPEG"), OfficialFormatFiles.Png(100 + v, 8, 8));
        OfficialFormatFiles.WriteText(Path.Combine(root, "val", "val_annotations.txt"),
            "val_0.JPEG\tn01111111\t0\t0\t7\t7\nval_1.JPEG\tn09999999\t1\t1\t6\t6\nval_2.JPEG\tn01111111\t0\t0\t3\t3\n");
        OfficialFormatFiles.WriteBytes(Path.Combine(root, "test", "images", "test_0.JPEG"), OfficialFormatFiles.Png(999, 8, 8));
    }

    [Fact]
    public void ClassIndexFollowsWnidsOrderAndValLabelsComeFromAnnotations()
    {
        using var temp = new TempFolder();
        WriteTree(temp["tiny-imagenet-200"]);
        using var loaded = DatasetCatalog.LoadWithSource("tiny-imagenet", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.Equal("tiny-imagenet", loaded.Format);
        Assert.Equal(["n09999999", "n01111111"], loaded.Splits.Train.ClassNames);
        Assert.Equal(new long[] { 0, 0, 1, 1 }, DataAssert.Labels(loaded.Splits.Train));
        Assert.Equal(new long[] { 1, 0, 1 }, DataAssert.Labels(loaded.Splits.Test));
        Assert.Equal(new long[] { 3, 3, 8, 8 }, loaded.Splits.Test.Images.shape);
        DataAssert.PixelsAre(loaded.Splits.Test, i => 100 + i);
        // The grayscale training image (class 1, k = 1) becomes three equal channels.
        using var gray = loaded.Splits.Train.Images[3];
        Assert.True(gray[0].eq(gray[1]).all().item<bool>() && gray[1].eq(gray[2]).all().item<bool>());
    }

    [Fact]
    public void ZipArchiveIsReadDirectly()
    {
        using var temp = new TempFolder();
        WriteTree(temp["src/tiny-imagenet-200"]);
        System.IO.Compression.ZipFile.CreateFromDirectory(temp["src"], temp["tiny-imagenet-200.zip"]);
        using var loaded = DatasetCatalog.LoadWithSource("tiny-imagenet", temp.Path, cache: new DatasetCache(temp["cache"]));
        Assert.EndsWith("tiny-imagenet-200", loaded.Source); // the extracted folder is preferred over the zip
        using var fromZip = DatasetCatalog.LoadWithSource("tiny-imagenet", temp["tiny-imagenet-200.zip"], cache: new DatasetCache(temp["cache"]));
        Assert.Equal(4, fromZip.Splits.Train.Count);
        Assert.True(loaded.Splits.Train.Images.eq(fromZip.Splits.Train.Images).all().item<bool>());
    }

    [Fact]
    public void AnnotationForAMissingImageIsRejected()
    {
        using var temp = new TempFolder();
        WriteTree(temp.Path);
        File.Delete(temp["val/images/val_2.JPEG"]);
        var error = Assert.Throws<MyopiaException>(() =>
            DatasetCatalog.LoadWithSource("tiny-imagenet", temp.Path, cache: new DatasetCache(temp["cache"])));
        Assert.Equal("val_annotations.txt line 3: image val/images/val_2.JPEG is missing", error.Message);
    }
}
