using static TorchSharp.torch;

namespace Myopia.Data.Synthetic;

/// <summary>
/// A "convolutional data set" in the sense of the tile-training theory: an image's label is carried
/// only by small local motifs at random positions, among class-agnostic distractors and noise.
/// Every motif and every distractor is a 2x2 arrangement of the same few quarter-patterns, so a
/// tile smaller than a motif sees nothing class-specific, a tile a little larger than a motif
/// often contains one whole (and each image yields many such tiles), and a full image always
/// contains the motifs but is one sample in a much higher dimension.
/// Everything derives from <see cref="SyntheticOptions.Seed"/>: the same options give the same data.
/// </summary>
public static class ConvolutionalDataset
{
    private const byte Dark = 30, Bright = 220;

    public static DatasetSplits Generate(SyntheticOptions? options = null)
    {
        options ??= new SyntheticOptions();
        options.Validate();
        var rng = new Random(options.Seed);
        int quarter = options.MotifSize / 2;
        var vocabulary = Enumerable.Range(0, options.Vocabulary).Select(_ => RandomPatch(quarter, rng)).ToArray();
        var (classArrangements, distractorArrangements) = Arrangements(options, rng);
        var motifs = classArrangements.Select(variants => variants.Select(a => Compose(a, vocabulary, quarter)).ToArray()).ToArray();
        var distractors = distractorArrangements.Select(a => Compose(a, vocabulary, quarter)).ToArray();
        var classNames = Enumerable.Range(0, options.Classes).Select(c => $"class{c}").ToArray();
        var train = Images("synthetic/train", options.TrainCount, options, motifs, distractors, new Random(options.Seed + 1), classNames);
        var test = Images("synthetic/test", options.TestCount, options, motifs, distractors, new Random(options.Seed + 2), classNames);
        return new DatasetSplits(train, test, DatasetStatistics.Normalization(train));
    }

    /// <summary>Distinct 2x2 arrangements of vocabulary indices: [class][variant] for motifs, the rest for distractors.</summary>
    public static (int[][][] Classes, int[][] Distractors) Arrangements(SyntheticOptions o, Random rng)
    {
        int v = o.Vocabulary;
        var all = Enumerable.Range(0, v * v * v * v)
            .Select(code => new[] { code % v, code / v % v, code / (v * v) % v, code / (v * v * v) })
            .Where(a => a.Distinct().Count() > 1) // a uniform arrangement would be one repeated quarter: no structure
            .OrderBy(_ => rng.Next()).ToList();
        int used = o.Classes * o.VariantsPerClass;
        var classes = Enumerable.Range(0, o.Classes).Select(c => Enumerable.Range(0, o.VariantsPerClass).Select(k => all[c * o.VariantsPerClass + k]).ToArray()).ToArray();
        return (classes, all.Skip(used).ToArray());
    }

    private static byte[,,] Compose(int[] arrangement, byte[][,,] vocabulary, int quarter)
    {
        var motif = new byte[3, 2 * quarter, 2 * quarter];
        for (int q = 0; q < 4; q++)
        {
            int top = q / 2 * quarter, left = q % 2 * quarter;
            var part = vocabulary[arrangement[q]];
            for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < quarter; y++)
            for (int x = 0; x < quarter; x++)
                motif[ch, top + y, left + x] = part[ch, y, x];
        }
        return motif;
    }

    // Each pixel and channel is dark or bright: eight colours, shared by every class, so colour alone tells nothing.
    private static byte[,,] RandomPatch(int size, Random rng)
    {
        var patch = new byte[3, size, size];
        for (int ch = 0; ch < 3; ch++)
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            patch[ch, y, x] = rng.Next(2) == 0 ? Dark : Bright;
        return patch;
    }

    private static ImageDataset Images(string name, int count, SyntheticOptions o, byte[][][,,] motifs, byte[][,,] distractors, Random rng, string[] classNames)
    {
        int s = o.ImageSize, m = o.MotifSize, plane = s * s;
        var pixels = new byte[(long)count * 3 * plane];
        var labels = new long[count];
        var buffer = new int[3 * plane];
        for (int i = 0; i < count; i++)
        {
            int label = i % o.Classes; // balanced; the trainer shuffles
            labels[i] = label;
            int background = rng.Next(60, 160);
            for (int p = 0; p < buffer.Length; p++) buffer[p] = background;
            for (int d = 0; d < o.DistractorsPerImage && distractors.Length > 0; d++)
                Stamp(buffer, s, distractors[rng.Next(distractors.Length)], rng.Next(s - m + 1), rng.Next(s - m + 1));
            for (int k = 0; k < o.MotifsPerImage; k++)
                Stamp(buffer, s, motifs[label][rng.Next(o.VariantsPerClass)], rng.Next(s - m + 1), rng.Next(s - m + 1));
            long offset = (long)i * 3 * plane;
            for (int p = 0; p < buffer.Length; p++)
                pixels[offset + p] = (byte)Math.Clamp(buffer[p] + rng.Next(-o.Noise, o.Noise + 1), 0, 255);
        }
        return new ImageDataset(name, tensor(pixels).view(count, 3, s, s), tensor(labels), classNames);
    }

    private static void Stamp(int[] image, int size, byte[,,] patch, int top, int left)
    {
        int m = patch.GetLength(1);
        for (int ch = 0; ch < 3; ch++)
        for (int y = 0; y < m; y++)
        for (int x = 0; x < m; x++)
            image[(ch * size + top + y) * size + left + x] = patch[ch, y, x];
    }
}
