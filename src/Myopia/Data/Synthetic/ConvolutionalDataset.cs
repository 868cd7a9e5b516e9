using static TorchSharp.torch;

namespace Myopia.Data.Synthetic;

/// <summary>
/// A "convolutional data set" in the sense of the tile-training theory: an image's label is carried
/// only by small local motifs at random positions, among class-agnostic distractor patches and
/// noise. Small tiles rarely contain a whole motif (their label is noisy); tiles somewhat larger
/// than a motif contain one often and give many training samples per image; full images always
/// contain the motifs but offer one sample per image in a much higher dimension.
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
        var motifs = ClassMotifs(options, rng);
        var distractors = Enumerable.Range(0, options.DistractorPool).Select(_ => RandomPatch(options.MotifSize, rng)).ToArray();
        var classNames = Enumerable.Range(0, options.Classes).Select(c => $"class{c}").ToArray();
        var train = Images("synthetic/train", options.TrainCount, options, motifs, distractors, new Random(options.Seed + 1), classNames);
        var test = Images("synthetic/test", options.TestCount, options, motifs, distractors, new Random(options.Seed + 2), classNames);
        return new DatasetSplits(train, test, DatasetStatistics.Normalization(train));
    }

    /// <summary>[class][variant] motifs; classes 2k and 2k+1 share their first SharedColumns columns.</summary>
    public static byte[][][,,] ClassMotifs(SyntheticOptions o, Random rng)
    {
        var motifs = new byte[o.Classes][][,,];
        for (int c = 0; c < o.Classes; c++)
        {
            motifs[c] = new byte[o.VariantsPerClass][,,];
            for (int v = 0; v < o.VariantsPerClass; v++)
            {
                var patch = RandomPatch(o.MotifSize, rng);
                if (c % 2 == 1)
                    for (int ch = 0; ch < 3; ch++)
                    for (int y = 0; y < o.MotifSize; y++)
                    for (int x = 0; x < o.SharedColumns; x++)
                        patch[ch, y, x] = motifs[c - 1][v][ch, y, x];
                motifs[c][v] = patch;
            }
        }
        return motifs;
    }

    // Each pixel and channel is dark or bright: eight colours, all shared by every class, so colour alone tells nothing.
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
            for (int d = 0; d < o.DistractorsPerImage; d++)
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
