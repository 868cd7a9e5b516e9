using System.Diagnostics;
using Myopia.Data;
using Myopia.Data.Synthetic;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Myopia.Tests.Data;

public class SyntheticDatasetTests(ITestOutputHelper output)
{
    private static readonly SyntheticOptions Small = new(TrainCount: 400, TestCount: 400);

    [Fact]
    public void SameSeedGivesTheSameImagesAndAnotherSeedDoesNot()
    {
        var a = SyntheticDataset.GenerateDecoded(Small);
        var b = SyntheticDataset.GenerateDecoded(Small);
        var c = SyntheticDataset.GenerateDecoded(Small with { Seed = 7 });
        Assert.Equal(a.Train.Pixels, b.Train.Pixels);
        Assert.Equal(a.Test.Pixels, b.Test.Pixels);
        Assert.NotEqual(a.Train.Pixels, c.Train.Pixels);
        Assert.NotEqual(a.Train.Pixels, a.Test.Pixels.AsSpan(0, a.Train.Pixels.Length).ToArray());
    }

    [Fact]
    public void DefaultSetIsBalancedWithTheDocumentedShape()
    {
        var clock = Stopwatch.StartNew();
        using var splits = DatasetCatalog.Load("synthetic", null);
        output.WriteLine($"generated 12,000 images in {clock.Elapsed.TotalSeconds:N2} s");
        Assert.Equal(new long[] { 10_000, 3, 32, 32 }, splits.Train.Images.shape);
        Assert.Equal(new long[] { 2_000, 3, 32, 32 }, splits.Test.Images.shape);
        using var counts = splits.Train.Labels.bincount(null);
        Assert.All(counts.data<long>().ToArray(), n => Assert.Equal(1_000, n));
        using var testCounts = splits.Test.Labels.bincount(null);
        Assert.All(testCounts.data<long>().ToArray(), n => Assert.Equal(200, n));
        Assert.Equal(3, splits.Normalization.Mean.Length);
        Assert.All(splits.Normalization.Std, s => Assert.InRange(s, 0.1f, 0.5f));
    }

    [Fact]
    public void RenderedImageReportsItsMotifsAndMatchesTheGeneratedSplit()
    {
        var options = Small;
        var library = new MotifLibrary(options);
        var data = SyntheticDataset.GenerateDecoded(options);
        for (var index = 0; index < 20; index++)
        {
            var (pixels, label, placements) = SyntheticDataset.RenderOne(options, train: true, index);
            Assert.Equal(data.Train.Labels[index], label);
            Assert.Equal(options.MotifsPerImage, placements.Count(p => !p.IsDistractor));
            Assert.Equal(options.DistractorsPerImage, placements.Count(p => p.IsDistractor));
            // The image's bytes are the rendered floats, quantised.
            for (var p = 0; p < pixels.Length; p += 97)
                Assert.Equal((byte)Math.Clamp((int)(pixels[p] * 255f + 0.5f), 0, 255), data.Train.Pixels[index * pixels.Length + p]);
            // Each class motif sits where reported, up to the pixel noise.
            foreach (var place in placements.Where(p => !p.IsDistractor))
            {
                var motif = library.Render(library.ClassMotifs[label][place.Motif]);
                int m = options.MotifSize, s = options.ImageSize;
                double diff = 0;
                for (var c = 0; c < 3; c++)
                    for (var y = 0; y < m; y++)
                        for (var x = 0; x < m; x++)
                            diff += Math.Abs(pixels[(c * s + place.Top + y) * s + place.Left + x] - motif[(c * m + y) * m + x]);
                Assert.True(diff / (3 * m * m) < 2 * options.Noise, $"image {index}: motif at ({place.Top},{place.Left}) differs by {diff / (3 * m * m):F3}");
            }
        }
    }

    [Fact]
    public void WholeMotifsDetermineTheLabelButColoursAndHalfMotifsDoNot()
    {
        var options = Small;
        var library = new MotifLibrary(options);
        var data = SyntheticDataset.GenerateDecoded(options);
        using var images = tensor(data.Test.Pixels).reshape(data.Test.Count, 3, 32, 32).to_type(ScalarType.Float32) / 255f;
        var labels = data.Test.Labels;

        // 1. Template matching with every class's whole motifs recovers the label.
        var whole = TemplateAccuracy(images, labels, library, top: 0, rows: options.MotifSize);
        // 2. With only the top half of each motif, paired classes (2k, 2k+1) are indistinguishable.
        var half = TemplateAccuracy(images, labels, library, top: 0, rows: options.MotifSize / 2);
        // 3. Mean colour per channel (what a 1x1 view averages to) says nearly nothing.
        var colour = NearestMeanColourAccuracy(data);
        output.WriteLine($"template accuracy: whole motif {whole:P1}, top half {half:P1}; mean-colour classifier {colour:P1}");
        Assert.True(whole > 0.95, $"whole-motif matching only {whole:P1}");
        Assert.True(half < 0.70, $"half-motif matching {half:P1}: pairs should be confusable");
        Assert.True(colour < 0.25, $"mean colour classifies {colour:P1}: the label leaks through colour");
    }

    [Fact]
    public void ImpossibleOptionsAreRejectedWithTheOptionNamed()
    {
        var error = Assert.Throws<MyopiaException>(() => SyntheticDataset.GenerateDecoded(Small with { MotifSize = 5 }));
        Assert.Contains("MotifSize", error.Message);
        error = Assert.Throws<MyopiaException>(() => SyntheticDataset.GenerateDecoded(Small with { ImageSize = 4 }));
        Assert.Contains("ImageSize", error.Message);
    }

    /// <summary>Classifies by the best match (least squared difference at any position) of rows [top, top+rows) of every motif.</summary>
    private static double TemplateAccuracy(Tensor images, int[] labels, MotifLibrary library, int top, int rows)
    {
        var m = library.Options.MotifSize;
        var templates = new List<float>();
        var owner = new List<int>();
        for (var c = 0; c < library.ClassMotifs.Length; c++)
            foreach (var variant in library.ClassMotifs[c])
            {
                var motif = library.Render(variant);
                for (var ch = 0; ch < 3; ch++)
                    for (var y = top; y < top + rows; y++)
                        for (var x = 0; x < m; x++)
                            templates.Add(motif[(ch * m + y) * m + x]);
                owner.Add(c);
            }
        using var w = tensor(templates.ToArray()).reshape(owner.Count, 3, rows, m);
        using var cross = nn.functional.conv2d(images, w);
        using var windowEnergy = nn.functional.conv2d(images * images, ones(1, 3, rows, m));
        using var templateEnergy = (w * w).sum([1, 2, 3]).reshape(1, -1, 1, 1);
        using var ssd = windowEnergy - 2 * cross + templateEnergy;
        using var best = ssd.amin([2, 3]); // N x templates
        var bestTemplate = best.argmin(1).data<long>().ToArray();
        return bestTemplate.Select((t, i) => owner[(int)t] == labels[i]).Count(ok => ok) / (double)labels.Length;
    }

    private static double NearestMeanColourAccuracy(DecodedDataset data)
    {
        double[] MeanColour(DecodedImages split, int i)
        {
            var plane = split.Height * split.Width;
            return Enumerable.Range(0, 3).Select(c => split.Pixels.AsSpan(i * 3 * plane + c * plane, plane).ToArray().Average(v => v)).ToArray();
        }
        var k = data.ClassNames.Count;
        var centroids = new double[k][];
        for (var c = 0; c < k; c++)
        {
            var members = Enumerable.Range(0, data.Train.Count).Where(i => data.Train.Labels[i] == c).Select(i => MeanColour(data.Train, i)).ToList();
            centroids[c] = Enumerable.Range(0, 3).Select(ch => members.Average(m => m[ch])).ToArray();
        }
        var correct = 0;
        for (var i = 0; i < data.Test.Count; i++)
        {
            var colour = MeanColour(data.Test, i);
            var predicted = Enumerable.Range(0, k).MinBy(c => Enumerable.Range(0, 3).Sum(ch => Math.Pow(colour[ch] - centroids[c][ch], 2)));
            if (predicted == data.Test.Labels[i]) correct++;
        }
        return correct / (double)data.Test.Count;
    }
}
