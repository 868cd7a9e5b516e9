using Myopia.Tests.Infrastructure;
using Myopia.Analysis.TileStudy;
using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.TileStudy;

/// <summary>Every map of the exact heatmap against a per-pixel loop, and the strided maps against the exact ones.</summary>
public class TileHeatmapExactnessTests
{
    private static readonly Normalization Norm = new([0.5f, 0.4f, 0.3f], [0.25f, 0.2f, 0.3f]);

    private static ImageDataset RandomImages(int count, int h, int w, int classes)
    {
        var pixels = randint(0, 256, [count, 3, h, w], dtype: ScalarType.Byte);
        var labels = tensor(Enumerable.Range(0, count).Select(i => (long)(i % classes)).ToArray());
        return new ImageDataset("random", pixels, labels, Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());
    }

    [Theory]
    [InlineData(4, 16)]  // one image per chunk, its tiles in pieces of 16
    [InlineData(5, 64)]  // all three images in one chunk, one image per batch of tiles
    [InlineData(5, 200)] // three images per batch of tiles
    public void EveryMapEqualsAPerPixelLoop(int tile, int patchBatch)
    {
        manual_seed(11);
        using var model = ModelRegistry.Create("smallcnn", 4);
        const int h = 7, w = 9;
        using var images = RandomImages(3, h, w, 4);
        using var classifier = TestClassifiers.Of(model, Norm, images.ClassNames);
        var result = new TileHeatmap(classifier, new TileHeatmapOptions(tile, Target: HeatmapTarget.Label, PatchBatch: patchBatch)).Run(images);
        Assert.Equal(3, result.Images.Count);

        model.eval();
        using var noGrad = no_grad();
        using var normalizer = new Normalizer(Norm);
        using var x = normalizer.FromBytes(images.Images);
        var (top, bottom, left, right) = PatchLogits.PerPixelPadding(tile);
        using var padded = nn.functional.pad(x, [left, right, top, bottom]);
        for (int i = 0; i < 3; i++)
        {
            var map = result.Images[i];
            int label = i % 4;
            Assert.Equal(label, map.ClassOfInterest);
            using var full = model.call(x.narrow(0, i, 1));
            Assert.Equal((int)full.argmax().item<long>(), map.FullPrediction);
            for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                using var logits = model.call(padded.narrow(0, i, 1).narrow(2, r, tile).narrow(3, c, tile))[0];
                int p = r * w + c, argmax = (int)logits.argmax().item<long>();
                float max = logits.max().item<float>();
                Assert.Equal(argmax, map.ClassMap[p]);
                Assert.Equal(max, map.MaxLogit[p], 4);
                Assert.Equal(logits[label].item<float>(), map.ClassLogit[p], 4);
                Assert.Equal(logits.softmax(0)[label].item<float>(), map.Probability[p], 4);
                Assert.Equal(argmax == label ? max : 0f, map.MaskedLogit[p], 4);
            }
        }
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(6, 3)]
    [InlineData(4, 4)]
    public void StridedMapsSitOnTheirPixels(int tile, int stride)
    {
        manual_seed(12);
        using var model = ModelRegistry.Create("smallcnn", 5);
        const int h = 11, w = 14; // neither h - 1 nor w - 1 is a multiple of every stride tested
        using var images = RandomImages(2, h, w, 5);
        using var classifier = TestClassifiers.Of(model, Norm, images.ClassNames);
        var exact = new TileHeatmap(classifier, new TileHeatmapOptions(tile, Target: HeatmapTarget.Class, Class: 2)).Run(images);
        var strided = new TileHeatmap(classifier, new TileHeatmapOptions(tile, stride, Target: HeatmapTarget.Class, Class: 2)).Run(images);
        for (int i = 0; i < 2; i++)
        {
            var e = exact.Images[i];
            var s = strided.Images[i];
            Assert.Equal(h * w, s.MaxLogit.Length);
            for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                int p = r * w + c;
                if (r % stride == 0 && c % stride == 0)
                {
                    // A sample: the tile centred on this very pixel.
                    Assert.Equal(e.MaxLogit[p], s.MaxLogit[p], 4);
                    Assert.Equal(e.ClassLogit[p], s.ClassLogit[p], 4);
                    Assert.Equal(e.Probability[p], s.Probability[p], 4);
                    Assert.Equal(e.ClassMap[p], s.ClassMap[p]);
                }
                // Classes come from the nearest sample (when that sample lies inside the image).
                int nr = (r + stride / 2) / stride * stride, nc = (c + stride / 2) / stride * stride;
                if (nr < h && nc < w) Assert.Equal(e.ClassMap[nr * w + nc], s.ClassMap[p]);
                // Values are bilinear between the four samples around the pixel.
                int r0 = r / stride * stride, c0 = c / stride * stride;
                int r1 = Math.Min(r0 + stride, h - 1), c1 = Math.Min(c0 + stride, w - 1);
                if (r0 + stride < h && c0 + stride < w)
                {
                    var corners = new[] { e.MaxLogit[r0 * w + c0], e.MaxLogit[r0 * w + c1], e.MaxLogit[r1 * w + c0], e.MaxLogit[r1 * w + c1] };
                    Assert.InRange(s.MaxLogit[p], corners.Min() - 1e-4f, corners.Max() + 1e-4f);
                }
            }
        }
    }

    [Fact]
    public void ClassOfInterestOutOfRangeIsAUserError()
    {
        using var model = ModelRegistry.Create("smallcnn", 3);
        using var images = RandomImages(1, 8, 8, 3);
        using var classifier = TestClassifiers.Of(model, Norm, images.ClassNames);
        var e = Assert.Throws<MyopiaException>(() => new TileHeatmap(classifier, new TileHeatmapOptions(4, Target: HeatmapTarget.Class, Class: 3)).Run(images));
        Assert.Contains("out of range", e.Message);
        Assert.Throws<MyopiaException>(() => new TileHeatmap(classifier, new TileHeatmapOptions(4, Target: HeatmapTarget.Class)).Run(images));
    }
}
