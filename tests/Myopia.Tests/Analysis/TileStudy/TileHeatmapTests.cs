using Myopia.Tests.Infrastructure;
using Myopia.Analysis.TileStudy;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.TileStudy;

public class TileHeatmapTests
{
    /// <summary>
    /// Class 1's logit is the brightness of the tile's top-left pixel, class 0's a constant 0.5. So a
    /// pixel's tile votes for class 1 exactly when its top-left corner is the bright pixel: the map
    /// must light up at (r + before, c + before) where before is the padding above/left of the tile.
    /// </summary>
    private sealed class TopLeftDetector() : nn.Module<Tensor, Tensor>("top-left-detector")
    {
        public override Tensor forward(Tensor x)
        {
            var corner = x[.., 0, 0, 0].unsqueeze(1);
            return cat([full_like(corner, 0.5), corner], 1);
        }
    }

    private static ImageDataset OneBrightPixel(int height, int width, int row, int col)
    {
        var pixels = zeros(1, 1, height, width, dtype: ScalarType.Byte);
        pixels[0, 0, row, col] = tensor((byte)255);
        return new ImageDataset("bright", pixels, tensor(new long[] { 1 }), ["dark", "bright"]);
    }

    [Theory]
    [InlineData(4, 2)] // even T: T/2 before, T/2 - 1 after
    [InlineData(5, 2)] // odd T: (T-1)/2 on every side
    [InlineData(6, 3)]
    public void BrightPixelLightsTheTileWhoseCornerItIs(int tile, int before)
    {
        const int h = 9, w = 11, row = 3, col = 7; // rows and columns differ, so a transpose would show
        using var images = OneBrightPixel(h, w, row, col);
        using var model = new TopLeftDetector();
        using var classifier = TestClassifiers.Of(model, new Normalization([0f], [1f]), images.ClassNames);
        var result = new TileHeatmap(classifier, new TileHeatmapOptions(tile, Target: HeatmapTarget.Class, Class: 1)).Run(images);
        var map = result.Images[0];
        Assert.Equal(h * w, map.ClassMap.Length);
        var bright = Enumerable.Range(0, h * w).Where(p => map.ClassMap[p] == 1).Select(p => (p / w, p % w)).ToList();
        Assert.Equal([(row + before, col + before)], bright);
        Assert.Equal(1f, map.MaskedLogit[(row + before) * w + col + before], 4);
        Assert.Equal(0f, map.MaskedLogit[0]);
    }

    [Fact]
    public void ExactMapEqualsALoopOverPaddedTiles()
    {
        manual_seed(1);
        using var model = Myopia.Models.ModelRegistry.Create("smallcnn", 3);
        model.eval();
        var pixels = randint(0, 256, [1, 3, 10, 12], dtype: ScalarType.Byte);
        using var images = new ImageDataset("random", pixels, tensor(new long[] { 0 }), ["a", "b", "c"]);
        var norm = new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
        const int tile = 8;
        using var classifier = TestClassifiers.Of(model, norm, images.ClassNames);
        var map = new TileHeatmap(classifier, new TileHeatmapOptions(tile)).Run(images).Images[0];

        using var noGrad = no_grad();
        using var normalizer = new Myopia.Augmentation.Normalizer(norm);
        using var x = normalizer.FromBytes(pixels);
        using var padded = nn.functional.pad(x, [4, 3, 4, 3]);
        foreach (var (r, c) in new[] { (0, 0), (5, 7), (9, 11), (2, 10) })
        {
            using var t = padded.narrow(2, r, tile).narrow(3, c, tile);
            using var logits = model.call(t);
            Assert.Equal(logits.max().item<float>(), map.MaxLogit[r * 12 + c], 3);
            Assert.Equal((int)logits.argmax().item<long>(), map.ClassMap[r * 12 + c]);
        }
    }

    [Fact]
    public void DenseMapOfAOnePixelReceptiveFieldModelEqualsTheExactMap()
    {
        // A 1x1 convolution with global average pooling: each position's logits depend only on its pixel.
        manual_seed(2);
        using var model = new PointwiseClassifier();
        var pixels = randint(0, 256, [2, 3, 7, 9], dtype: ScalarType.Byte);
        using var images = new ImageDataset("random", pixels, tensor(new long[] { 0, 1 }), ["a", "b", "c", "d"]);
        using var classifier = TestClassifiers.Of(model, Normalization.Identity(3), images.ClassNames);
        var exact = new TileHeatmap(classifier, new TileHeatmapOptions(1)).Run(images);
        var dense = new TileHeatmap(classifier, new TileHeatmapOptions(1, Mode: HeatmapMode.Dense)).Run(images);
        var (classAgreement, correlation) = TileHeatmap.Agreement(exact, dense);
        Assert.Equal(1.0, classAgreement, 6);
        Assert.Equal(1.0, correlation, 4);
    }

    private sealed class PointwiseClassifier : nn.Module<Tensor, Tensor>, Myopia.Models.ISpatialClassifier
    {
        private readonly TorchSharp.Modules.Conv2d conv = nn.Conv2d(3, 4, 1);
        public PointwiseClassifier() : base("pointwise") => RegisterComponents();
        public override Tensor forward(Tensor x) => conv.call(x).mean([2, 3]);
        public Tensor SpatialLogits(Tensor x) => conv.call(x);
        public int ReceptiveField => 1;
    }
}
