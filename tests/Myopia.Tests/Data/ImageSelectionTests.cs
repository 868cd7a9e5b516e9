using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Tests.Data;

public class ImageSelectionTests
{
    // 12 images, labels 0 1 2 0 1 2 ...: class c sits at c, c+3, c+6, c+9.
    private static ImageDataset Twelve() =>
        new("t", zeros([12, 1, 8, 8], dtype: ScalarType.Byte), tensor(Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray()), ["cat", "dog", "car"]);

    [Fact]
    public void CountIsSpreadOverTheSplit()
    {
        using var d = Twelve();
        Assert.Equal([0L, 3, 6, 9], ImageSelection.Pick(d, null, 4));
        Assert.Equal(12, ImageSelection.Pick(d, null, 50).Length);
    }

    [Fact]
    public void ClassesShareTheCountAndOnlyTheirImagesArePicked()
    {
        using var d = Twelve();
        // 5 images between dog (1, 4, 7, 10) and car (2, 5, 8, 11): dog gets the extra one.
        Assert.Equal([1L, 4, 7, 2, 8], ImageSelection.Pick(d, null, 5, "DOG,2"));
        Assert.Equal([2L, 5, 8, 11], ImageSelection.Pick(d, null, 10, "car"));
    }

    [Theory]
    [InlineData(null, "bird", "no class 'bird'; classes: cat, dog, car")]
    [InlineData(null, "7", "no class '7'")]
    [InlineData("1,99", null, "'99' is not an index in 0..11")]
    [InlineData("1", "cat", "either --images or --of-classes")]
    public void BadSelectionsAreNamed(string? indices, string? classes, string fragment)
    {
        using var d = Twelve();
        var e = Assert.Throws<MyopiaException>(() => ImageSelection.Pick(d, indices, 4, classes));
        Assert.Contains(fragment, e.Message);
    }
}
