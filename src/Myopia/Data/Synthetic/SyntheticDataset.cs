using System.Diagnostics;

namespace Myopia.Data.Synthetic;

/// <summary>
/// Generates the synthetic "convolutional data set" in memory, deterministically from
/// <see cref="SyntheticOptions.Seed"/> (no files). Each image: a flat-block background in muted
/// colours, distractor motifs from the shared pool, then the class motifs on top, then pixel noise.
/// Images are generated in parallel, each from its own random stream, so the result does not
/// depend on the thread count.
/// </summary>
public static class SyntheticDataset
{
    public const string Name = "synthetic";

    /// <summary>Train and test splits as tensors, with the train split's statistics as normalization.</summary>
    public static DatasetSplits Generate(SyntheticOptions options, Action<string>? log = null)
    {
        var decoded = GenerateDecoded(options, log);
        var statistics = ChannelStatistics.Compute(decoded.Train);
        return new DatasetSplits(
            TensorBytes.ToDataset(Name, decoded.Train, decoded.ClassNames),
            TensorBytes.ToDataset(Name, decoded.Test, decoded.ClassNames),
            statistics);
    }

    /// <summary>The same data as managed buffers (N x 3 x S x S uint8).</summary>
    public static DecodedDataset GenerateDecoded(SyntheticOptions options, Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        var library = new MotifLibrary(options);
        var train = GenerateSplit(library, stream: 1, options.TrainCount);
        var test = GenerateSplit(library, stream: 2, options.TestCount);
        log?.Invoke($"generated synthetic dataset ({options.TrainCount:N0} train, {options.TestCount:N0} test) in {clock.Elapsed.TotalSeconds:N2} s");
        var names = Enumerable.Range(0, options.Classes).Select(c => $"class{c}").ToList();
        return new DecodedDataset("synthetic", train, test, names);
    }

    private static DecodedImages GenerateSplit(MotifLibrary library, int stream, int count)
    {
        var options = library.Options;
        var s = options.ImageSize;
        var imageBytes = 3 * s * s;
        var pixels = new byte[(long)count * imageBytes];
        var labels = new int[count];
        var classMotifs = library.ClassMotifs.Select(vs => vs.Select(library.Render).ToArray()).ToArray();
        var distractors = library.Distractors.Select(library.Render).ToArray();
        Parallel.For(0, count, () => new float[imageBytes], (i, _, canvas) =>
        {
            labels[i] = i % options.Classes;
            Render(options, classMotifs, distractors, stream, i, canvas, placements: null);
            var target = pixels.AsSpan(i * imageBytes, imageBytes);
            for (var p = 0; p < imageBytes; p++)
                target[p] = (byte)Math.Clamp((int)(canvas[p] * 255f + 0.5f), 0, 255);
            return canvas;
        }, _ => { });
        return new DecodedImages(pixels, labels, 3, s, s);
    }

    /// <summary>
    /// Renders one image (planar floats in [0, 1]) and reports where its motifs went: for tests and
    /// for documentation figures. Same result as the image at that index of the generated split.
    /// </summary>
    public static (float[] Pixels, int Label, IReadOnlyList<MotifPlacement> Placements) RenderOne(
        SyntheticOptions options, bool train, int index)
    {
        var library = new MotifLibrary(options);
        var canvas = new float[3 * options.ImageSize * options.ImageSize];
        var placements = new List<MotifPlacement>();
        Render(options, library.ClassMotifs.Select(vs => vs.Select(library.Render).ToArray()).ToArray(),
            library.Distractors.Select(library.Render).ToArray(), train ? 1 : 2, index, canvas, placements);
        return (canvas, index % options.Classes, placements);
    }

    private static void Render(SyntheticOptions options, float[][][] classMotifs, float[][] distractors,
        int stream, int index, float[] canvas, List<MotifPlacement>? placements)
    {
        var random = new SplitMix64(SplitMix64.Derive(options.Seed, stream, index));
        var s = options.ImageSize;
        var plane = s * s;
        var label = index % options.Classes;

        // Background: flat blocks of muted, near-gray colours, class-agnostic.
        var b = options.BackgroundBlock;
        for (var by = 0; by < s; by += b)
            for (var bx = 0; bx < s; bx += b)
            {
                var gray = 0.3f + 0.4f * random.Uniform();
                for (var c = 0; c < 3; c++)
                {
                    var value = gray + 0.1f * (random.Uniform() - 0.5f);
                    for (var y = by; y < Math.Min(by + b, s); y++)
                        canvas.AsSpan(c * plane + y * s + bx, Math.Min(b, s - bx)).Fill(value);
                }
            }

        var m = options.MotifSize;
        for (var d = 0; d < options.DistractorsPerImage; d++)
        {
            int top = random.Below(s - m + 1), left = random.Below(s - m + 1), which = random.Below(distractors.Length);
            Paint(canvas, s, m, distractors[which], top, left, 1f);
            placements?.Add(new MotifPlacement(top, left, which, true));
        }

        // Class motifs last, so they are intact; they avoid each other when the image has room.
        var placed = new List<(int Top, int Left)>();
        for (var k = 0; k < options.MotifsPerImage; k++)
        {
            int top = 0, left = 0;
            for (var attempt = 0; attempt < 20; attempt++)
            {
                top = random.Below(s - m + 1);
                left = random.Below(s - m + 1);
                if (placed.All(p => Math.Abs(p.Top - top) >= m || Math.Abs(p.Left - left) >= m)) break;
            }
            var variant = random.Below(classMotifs[label].Length);
            Paint(canvas, s, m, classMotifs[label][variant], top, left, options.MotifContrast);
            placed.Add((top, left));
            placements?.Add(new MotifPlacement(top, left, variant, false));
        }

        if (options.Noise > 0)
            for (var p = 0; p < canvas.Length; p++)
                canvas[p] += options.Noise * random.Gaussian();
    }

    private static void Paint(float[] canvas, int s, int m, float[] motif, int top, int left, float opacity)
    {
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < m; y++)
            {
                var source = motif.AsSpan(c * m * m + y * m, m);
                var target = canvas.AsSpan(c * s * s + (top + y) * s + left, m);
                if (opacity >= 1f) source.CopyTo(target);
                else
                    for (var x = 0; x < m; x++) target[x] += opacity * (source[x] - target[x]);
            }
    }
}
