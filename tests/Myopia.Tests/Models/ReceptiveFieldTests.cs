using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

public class ReceptiveFieldTests
{
    [Fact]
    public void ArithmeticMatchesHandComputedChains()
    {
        Assert.Equal(1, ReceptiveField.Of([]));
        Assert.Equal(5, ReceptiveField.Of([(3, 1), (3, 1)]));
        // conv3, pool2, conv3: 3, then +1, then +2*2.
        Assert.Equal(8, ReceptiveField.Of([(3, 1), (2, 2), (3, 1)]));
    }

    [Theory]
    [InlineData("smallcnn", 20)]
    [InlineData("resnet18", 113)]
    [InlineData("resnet34", 229)]
    [InlineData("vgg11", 150)]
    [InlineData("vgg16bn", 212)]
    public void DeclaredFields(string name, int expected)
    {
        using var model = ModelRegistry.Create(name, 10, 3);
        Assert.Equal(expected, ((ISpatialClassifier)model).ReceptiveField);
    }

    /// <summary>
    /// The input pixels that influence one position of the spatial map lie within the declared field,
    /// and for a network without max-pools they fill it (the declared value is not a loose bound).
    /// </summary>
    [Theory]
    [InlineData("smallcnn", 48, false)]
    [InlineData("vgg11", 160, false)]
    [InlineData("resnet18", 128, true)]
    public void GradientOfOnePositionStaysInsideTheField(string name, int side, bool fillsField)
    {
        using var model = ModelRegistry.Create(name, 3, 3);
        model.eval();
        var field = ((ISpatialClassifier)model).ReceptiveField;
        using var x = randn(1, 3, side, side).requires_grad_(true);
        using var map = ((ISpatialClassifier)model).SpatialLogits(x);
        var (h, w) = (map.shape[2], map.shape[3]);
        using var one = map[0, 0, h / 2, w / 2];
        one.backward();
        using var touched = x.grad!.abs().sum([0, 1]).gt(0);
        using var rows = touched.any(1).nonzero();
        using var cols = touched.any(0).nonzero();
        var extentRows = rows.max().item<long>() - rows.min().item<long>() + 1;
        var extentCols = cols.max().item<long>() - cols.min().item<long>() + 1;
        Assert.InRange(extentRows, 1, field);
        Assert.InRange(extentCols, 1, field);
        if (fillsField)
        {
            Assert.Equal(field, extentRows);
            Assert.Equal(field, extentCols);
        }
    }
}
