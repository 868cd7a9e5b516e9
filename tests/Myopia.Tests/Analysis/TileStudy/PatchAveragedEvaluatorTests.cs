using Myopia.Tests.Infrastructure;
using Myopia.Analysis.TileStudy;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.TileStudy;

public class PatchAveragedEvaluatorTests
{
    [Fact]
    public void MeanLogitsEqualAnExplicitLoopOverPatches()
    {
        manual_seed(3);
        using var model = ModelRegistry.Create("smallcnn", 4);
        model.eval();
        using var noGrad = no_grad();
        using var images = randn(3, 3, 13, 11);
        const int tile = 8, stride = 2;
        using var classifier = TestClassifiers.Of(model, Myopia.Data.Normalization.Identity(3), 4);
        var evaluator = new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(tile, stride, PatchBatch: 7));
        using var mean = evaluator.MeanLogits(images);

        using var sum = zeros(3, 4);
        int count = 0;
        for (int i = 0; i + tile <= 13; i += stride)
        for (int j = 0; j + tile <= 11; j += stride)
        {
            using var patch = images.narrow(2, i, tile).narrow(3, j, tile);
            using var logits = model.call(patch);
            sum.add_(logits);
            count++;
        }
        using var expected = sum / count;
        Assert.True(mean.allclose(expected, rtol: 1e-4, atol: 1e-4), "patch-averaged logits differ from the explicit loop");
    }

    [Fact]
    public void TopOneAndTopFiveAreThoseOfTheMeanLogits()
    {
        manual_seed(4);
        using var model = ModelRegistry.Create("smallcnn", 8);
        const int n = 40;
        var pixels = randint(0, 256, [n, 3, 12, 12], dtype: ScalarType.Byte);
        var labels = randint(0, 8, [n], dtype: ScalarType.Int64);
        using var data = new Myopia.Data.ImageDataset("random", pixels, labels, Enumerable.Range(0, 8).Select(c => $"c{c}").ToArray());
        using var classifier = TestClassifiers.Of(model, new Myopia.Data.Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]), data.ClassNames);
        var evaluator = new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(9, PatchBatch: 20)); // 16 patches per image: chunks of 5 images
        var result = evaluator.Run(data);

        using var images = classifier.Normalize(pixels);
        using var mean = evaluator.MeanLogits(images);
        using var top5 = mean.topk(5, dim: 1).indexes;
        using var hits = top5.eq(labels.unsqueeze(1));
        double top1 = hits.narrow(1, 0, 1).sum().item<long>() / (double)n, top5Rate = hits.sum().item<long>() / (double)n;
        Assert.Equal(n, result.Count);
        Assert.Equal(top1, result.Top1, 9);
        Assert.Equal(top5Rate, result.Top5, 9);
        Assert.True(result.Top5 >= result.Top1);
        Assert.Equal("patches-t9", result.Mode);
    }

    [Fact]
    public void PatchesAreCutRowsFirstNotTransposed()
    {
        // A "model" that returns the patch's top-left pixel: logits of patch (i, j) must be x[i, j].
        using var model = new TopLeftPixel();
        using var image = arange(5 * 7, dtype: ScalarType.Float32).view(1, 1, 5, 7);
        using var logits = PatchLogits.Compute(model, image, tile: 3);
        Assert.Equal(new long[] { 1, 3, 5, 1 }, logits.shape);
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 5; j++)
            Assert.Equal(i * 7 + j, logits[0, i, j, 0].item<float>());
    }

    private sealed class TopLeftPixel() : nn.Module<Tensor, Tensor>("top-left")
    {
        public override Tensor forward(Tensor x) => x[.., .., 0, 0].reshape(x.shape[0], 1);
    }
}
