using Myopia.Data;
using Myopia.Data.Synthetic;

namespace Myopia.Tests.Data;

/// <summary>The "synthetic:key=value,..." dataset names that let every command rebuild a custom synthetic set.</summary>
public class SyntheticOptionsSpecTests
{
    [Fact]
    public void SpecOverridesOnlyTheNamedOptionsInAnySpelling()
    {
        var o = SyntheticOptions.Parse("train_count=1000, MotifContrast=0.5,distractors-per-image=8,noise=0");
        Assert.Equal(1000, o.TrainCount);
        Assert.Equal(0.5f, o.MotifContrast);
        Assert.Equal(8, o.DistractorsPerImage);
        Assert.Equal(0f, o.Noise);
        Assert.Equal(new SyntheticOptions() with { TrainCount = 1000, MotifContrast = 0.5f, DistractorsPerImage = 8, Noise = 0f }, o);
        Assert.Equal(new SyntheticOptions(), SyntheticOptions.Parse(null));
        Assert.Equal(new SyntheticOptions(), SyntheticOptions.Parse(""));
    }

    [Fact]
    public void ToSpecNamesWhatDiffersAndParsesBack()
    {
        var o = new SyntheticOptions(TrainCount: 500, Noise: 0.12f, Seed: 3);
        Assert.Equal("train_count=500,noise=0.12,seed=3", o.ToSpec());
        Assert.Equal(o, SyntheticOptions.Parse(o.ToSpec()));
        Assert.Equal("", new SyntheticOptions().ToSpec());
    }

    [Theory]
    [InlineData("bogus=1", "unknown option 'bogus'")]
    [InlineData("train_count", "not key=value")]
    [InlineData("train_count=ten", "train_count must be an integer")]
    [InlineData("noise=NaN", "noise must be a number")]
    [InlineData("motif_contrast=2", "MotifContrast must be in (0, 1]")]
    [InlineData("motif_size=5", "MotifSize must be even")]
    public void BadSpecsAreRejectedWithTheOffendingOption(string spec, string fragment)
    {
        var e = Assert.Throws<MyopiaException>(() => SyntheticOptions.Parse(spec));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void CatalogBuildsTheDatasetTheNameDescribes()
    {
        using var splits = DatasetCatalog.Load("synthetic:train_count=40,test_count=20,image_size=16", null);
        Assert.Equal(40, splits.Train.Count);
        Assert.Equal(20, splits.Test.Count);
        Assert.Equal(16, splits.Train.Height);
        Assert.Equal(16, splits.Test.Width);
    }

    [Fact]
    public void DatasetsOfFilesRefuseTheGeneratorsOptions()
    {
        var e = Assert.Throws<MyopiaException>(() => DatasetCatalog.Load("cifar10:train_count=5", "/nonexistent"));
        Assert.Contains("unknown dataset option 'train_count'", e.Message);
    }

    [Fact]
    public void AvailabilityIsCheckedWithoutLoading()
    {
        DatasetCatalog.EnsureAvailable("synthetic:train_count=100", null);
        Assert.Contains("unknown option", Assert.Throws<MyopiaException>(() => DatasetCatalog.EnsureAvailable("synthetic:bogus=1", null)).Message);
        Assert.Contains("not found", Assert.Throws<MyopiaException>(() => DatasetCatalog.EnsureAvailable("cifar10", "/nonexistent/cifar")).Message);
    }
}
