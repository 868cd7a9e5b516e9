using Myopia.Data;
using Myopia.Data.Cache;
using Myopia.Data.Synthetic;
using Myopia.Data.Transforms;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Data;

/// <summary>
/// Folders of photos of mixed sizes: streamed splits equal in-memory ones image for image, training on
/// either is the same training, random-resized crops are fixed by (draw, file), undecodable files fail
/// or are skipped and listed, WNIDs carry their words, and CIFAR-100 offers its coarse labels.
/// </summary>
[Collection(GlobalTorchState.Name)]
public class PhotoDatasetTests
{
    // Six classes' worth of photos in three sizes and two aspect ratios, PNG and JPEG, one grayscale.
    private static void WritePhotos(TempFolder temp, int perClass = 6)
    {
        int image = 0;
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "cat", "dog" })
                for (int k = 0; k < (split == "train" ? perClass : 3); k++, image++)
                {
                    var (w, h) = (k % 3) switch { 0 => (40, 30), 1 => (30, 44), _ => (52, 52) };
                    var bytes = k % 2 == 0 ? OfficialFormatFiles.Jpeg(image, w, h) : OfficialFormatFiles.Png(image, w, h, grayscale: k == 3);
                    OfficialFormatFiles.WriteBytes(temp[$"{split}/{cls}/{k}.{(k % 2 == 0 ? "jpg" : "png")}"], bytes);
                }
    }

    private static LoadedDataset Load(TempFolder temp, string options) =>
        DatasetCatalog.LoadWithSource("imagefolder:" + options, temp.Path, cache: new DatasetCache(temp["cache"]));

    [Fact]
    public void StreamedSplitsHoldTheSameImagesAsInMemoryOnes()
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        using var memory = Load(temp, "resize=20,crop=16,stream=no");
        using var streamed = Load(temp, "resize=20,crop=16,stream=yes");
        Assert.False(memory.Splits.Train.IsStreamed);
        Assert.True(streamed.Splits.Train.IsStreamed && streamed.Splits.Test.IsStreamed);
        Assert.Equal(0, streamed.Splits.Train.Store.ResidentBytes);
        foreach (var (a, b) in new[] { (memory.Splits.Train, streamed.Splits.Train), (memory.Splits.Test, streamed.Splits.Test) })
        {
            Assert.Equal((16, 16), (b.Height, b.Width));
            using var x = a.Read(0, a.Count);
            using var y = b.Read(0, b.Count);
            Assert.True(x.equal(y).all().item<bool>());
            Assert.True(a.Labels.equal(b.Labels).all().item<bool>());
            using var index = tensor(new long[] { 5, 0, 3 });
            using var gathered = b.Gather(index);
            using var expected = a.Images.index_select(0, index);
            Assert.True(gathered.equal(expected).all().item<bool>());
        }
        Assert.Equal(memory.Splits.Normalization.Mean, streamed.Splits.Normalization.Mean);
        using var subset = streamed.Splits.Test.Take(3);
        Assert.True(subset.IsStreamed);
        using var fromSubset = subset.Read(0, 3);
        using var fromWhole = memory.Splits.Test.Images.index_select(0, tensor(subset.SourceIndex!));
        Assert.True(fromSubset.equal(fromWhole).all().item<bool>());
    }

    [Fact]
    public void TrainingOnAStreamedSplitIsTheSameTrainingAsInMemory()
    {
        using var temp = new TempFolder();
        WritePhotos(temp, perClass: 12);
        var options = new TrainOptions
        {
            Data = "imagefolder", Model = "smallcnn", Tile = 8, Epochs = 2, Batch = 8, Seed = 3, Schedule = "cosine",
            EvalBatch = 5, Flip = true, Precision = "fp32", MemoryFormat = "contiguous",
        };
        using var memory = Load(temp, "resize=20,crop=16,stream=no");
        using var streamed = Load(temp, "resize=20,crop=16,stream=yes");
        var a = new Trainer(options, memory.Splits, temp["memory"]).Run();
        var b = new Trainer(options, streamed.Splits, temp["streamed"]).Run();
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        Assert.Equal(a.History.Select(h => h.TestAcc), b.History.Select(h => h.TestAcc));
    }

    [Fact]
    public void RandomResizedCropsAreFixedByTheDrawAndTheFile()
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        using var loaded = Load(temp, "random-resized-crop=16");
        var train = loaded.Splits.Train;
        Assert.True(train.IsStreamed);                   // new crops every epoch: never decoded once
        Assert.False(loaded.Splits.Test.IsStreamed);     // the test split is fixed and small
        Assert.Equal("resize=18,crop=16,random-resized-crop=16,scale=0.08-1,ratio=0.75-1.33333,interpolation=bilinear", loaded.Splits.Pipeline);
        using var index = tensor(new long[] { 0, 1, 2, 3 });
        using var first = train.Gather(index, draw: 1);
        using var again = train.Gather(index, draw: 1);
        using var other = train.Gather(index, draw: 2);
        Assert.True(first.equal(again).all().item<bool>());
        Assert.False(first.equal(other).all().item<bool>());
        // The crop belongs to the file, not to its position: a subset crops image k as the whole split does.
        using var subset = train.Select([2, 3]);
        using var fromSubset = subset.Gather(tensor(new long[] { 0, 1 }), draw: 1);
        Assert.True(fromSubset.equal(first.narrow(0, 2, 2)).all().item<bool>());
    }

    [Fact]
    public void RandomResizedCropBoxesKeepToTheirScaleAndRatio()
    {
        var crop = new RandomResizedCrop(224);
        var random = new SplitMix64(11);
        int fallback = 0;
        for (int i = 0; i < 5000; i++)
        {
            var (left, top, w, h) = crop.SampleBox(500, 375, ref random);
            Assert.InRange(left, 0, 500 - w);
            Assert.InRange(top, 0, 375 - h);
            double area = (double)w * h / (500 * 375), ratio = (double)w / h;
            if (w == 500 && h == 375) { fallback++; continue; }
            // Rounding w and h to whole pixels moves area and ratio by at most a pixel's worth.
            Assert.InRange(area, 0.08 * 0.97, 1.0);
            Assert.InRange(ratio, 0.75 * 0.97, 4.0 / 3.0 * 1.03);
        }
        Assert.True(fallback < 50, $"{fallback} fallbacks of 5000");
        // An impossible ratio falls back to the centre, clipped to the ratio range, as torchvision does.
        var wide = new RandomResizedCrop(8, RatioMin: 4, RatioMax: 5);
        var r = new SplitMix64(1);
        Assert.Equal((0, 25, 100, 25), wide.SampleBox(100, 75, ref r));
    }

    [Fact]
    public void UndecodableFilesFailNamingTheFileOrAreSkippedAndListed()
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        OfficialFormatFiles.WriteBytes(temp["train/dog/broken.jpg"], OfficialFormatFiles.Jpeg(99, 40, 30)[..300]);
        var error = Assert.Throws<MyopiaException>(() =>
        {
            using var loaded = Load(temp, "resize=20,crop=16");
        });
        Assert.Contains("train/dog/broken.jpg", error.Message);
        foreach (var stream in new[] { "yes", "no" })
        {
            using var loaded = Load(temp, $"resize=20,crop=16,on-bad-image=skip,stream={stream}");
            Assert.Equal(12, loaded.Splits.Train.Count);
            var skipped = Assert.Single(loaded.Splits.SkippedImages);
            Assert.StartsWith("train\ttrain/dog/broken.jpg\t", skipped);
            var folder = temp[$"run-{stream}"];
            Directory.CreateDirectory(folder);
            var file = Myopia.IO.SkippedImagesFile.Write(folder, loaded.Splits.SkippedImages)!;
            Assert.Equal(["split\tpath\treason", skipped], File.ReadAllLines(file));
        }
    }

    [Fact]
    public void WnidFoldersAreShownWithTheirWords()
    {
        using var temp = new TempFolder();
        int image = 0;
        foreach (var split in new[] { "train", "val" })
            foreach (var wnid in new[] { "n01443537", "n01440764" })
                for (int k = 0; k < 2; k++)
                    OfficialFormatFiles.WriteBytes(temp[$"{split}/{wnid}/{k}.JPEG"], OfficialFormatFiles.Jpeg(image++, 30 + 10 * k, 30));
        OfficialFormatFiles.WriteText(temp["words.txt"], "n01440764\ttench, Tinca tinca\nn01443537\tgoldfish, Carassius auratus\nn99999999\tunused\n");
        using var loaded = DatasetCatalog.LoadWithSource("imagenet", temp.Path, cache: new DatasetCache(temp["cache"]));
        var test = loaded.Splits.Test;
        Assert.Equal(["n01440764", "n01443537"], test.ClassNames);
        Assert.Equal("n01443537 (goldfish, Carassius auratus)", test.DisplayName(1));
        Assert.Equal((224, 224), (test.Height, test.Width)); // ImageNet-style photos: torchvision's evaluation transform
    }

    [Fact]
    public void Cifar100OffersItsCoarseLabels()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar100Binary(temp["cifar-100-binary"], 30, 10);
        using var fine = DatasetCatalog.Load("cifar100", temp.Path);
        using var coarse = DatasetCatalog.Load("cifar100:labels=coarse", temp.Path);
        Assert.Equal(100, fine.Train.ClassCount);
        Assert.Equal(20, coarse.Train.ClassCount);
        Assert.Equal("coarse00", coarse.Train.ClassNames[0]);
        Assert.True(fine.Train.Images.equal(coarse.Train.Images).all().item<bool>());
        Assert.False(fine.Train.Labels.equal(coarse.Train.Labels).all().item<bool>());
        Assert.Contains("only cifar100", Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("cifar10:labels=coarse", temp.Path)).Message);
    }

    [Theory]
    [InlineData("resize=0", "resize=0 of imagefolder: expected a size in pixels")]
    [InlineData("crop=abc", "crop=abc of imagefolder: expected a size in pixels")]
    [InlineData("interpolation=area", "unknown interpolation 'area'")]
    [InlineData("scale=0.5-1", "scale and ratio of imagefolder belong to random-resized-crop")]
    [InlineData("random-resized-crop=32,scale=0.9-0.1", "scale must satisfy 0 < min <= max <= 1")]
    [InlineData("stream=maybe", "stream=maybe of imagefolder: use auto, yes or no")]
    [InlineData("random-resized-crop=32,stream=no", "random-resized-crop draws new crops every epoch")]
    [InlineData("colour=red", "unknown dataset option 'colour' of imagefolder")]
    public void BadDatasetOptionsSayWhatIsWrong(string options, string message)
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        var error = Assert.Throws<MyopiaException>(() =>
        {
            using var loaded = Load(temp, options);
        });
        Assert.Contains(message, error.Message);
    }
}
