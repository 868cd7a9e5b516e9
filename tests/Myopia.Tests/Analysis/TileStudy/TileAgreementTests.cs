using Myopia.Tests.Infrastructure;
using Myopia.Analysis.TileStudy;
using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.TileStudy;

public class TileAgreementTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FiguresEqualAnExplicitLoopOverTiles(int stride)
    {
        manual_seed(21);
        using var model = ModelRegistry.Create("smallcnn", 3);
        const int n = 5, h = 10, w = 11;
        var pixels = randint(0, 256, [n, 3, h, w], dtype: ScalarType.Byte);
        using var data = new ImageDataset("random", pixels, tensor(new long[] { 0, 1, 2, 1, 0 }), ["a", "b", "c"]);
        var norm = new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
        int[] tiles = [5, 8, 10];
        using var classifier = TestClassifiers.Of(model, norm, data.ClassNames);
        var result = new TileAgreement(classifier, new TileAgreementOptions(tiles, stride, PatchBatch: 9)).Run(data);
        Assert.Equal(n, result.Images);
        Assert.Equal(tiles, result.Rows.Select(r => r.Tile));

        model.eval();
        using var noGrad = no_grad();
        using var normalizer = new Normalizer(norm);
        using var x = normalizer.FromBytes(pixels);
        var labels = data.Labels.data<long>().ToArray();
        foreach (var row in result.Rows)
        {
            int t = row.Tile;
            double agree = 0, tileCorrect = 0, averagedCorrect = 0, fullCorrect = 0;
            long perImage = 0;
            for (int i = 0; i < n; i++)
            {
                using var image = x.narrow(0, i, 1);
                using var fullLogits = model.call(image);
                long full = fullLogits.argmax().item<long>();
                fullCorrect += full == labels[i] ? 1 : 0;
                using var sum = zeros(3);
                int count = 0, agreeing = 0, correct = 0;
                for (int r = 0; r + t <= h; r += stride)
                for (int c = 0; c + t <= w; c += stride)
                {
                    using var logits = model.call(image.narrow(2, r, t).narrow(3, c, t))[0];
                    long predicted = logits.argmax().item<long>();
                    agreeing += predicted == full ? 1 : 0;
                    correct += predicted == labels[i] ? 1 : 0;
                    sum.add_(logits);
                    count++;
                }
                perImage = count;
                agree += (double)agreeing / count;
                tileCorrect += (double)correct / count;
                averagedCorrect += sum.argmax().item<long>() == labels[i] ? 1 : 0;
            }
            Assert.Equal(perImage, row.TilesPerImage);
            Assert.Equal(stride, row.Stride);
            Assert.Equal(agree / n, row.TileAgreesWithFull, 9);
            Assert.Equal(tileCorrect / n, row.SingleTileAccuracy, 9);
            Assert.Equal(averagedCorrect / n, row.PatchAveragedAccuracy, 9);
            Assert.Equal(fullCorrect / n, row.FullImageAccuracy, 9);
        }
    }

    [Fact]
    public void RejectsATileThatDoesNotFit()
    {
        using var model = ModelRegistry.Create("smallcnn", 2);
        using var data = new ImageDataset("z", zeros(1, 3, 8, 8, dtype: ScalarType.Byte), tensor(new long[] { 0 }), ["a", "b"]);
        using var classifier = TestClassifiers.Of(model, Normalization.Identity(3), data.ClassNames);
        Assert.Throws<MyopiaException>(() => new TileAgreement(classifier, new TileAgreementOptions([4, 9])).Run(data));
    }
}
