using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Tests.Infrastructure;

/// <summary>Small learnable in-memory datasets for tests that must not depend on files.</summary>
public static class TinyData
{
    /// <summary>
    /// Classes differ by which quadrant holds a bright square, so a small CNN learns them in an epoch or two.
    /// </summary>
    public static DatasetSplits Quadrants(int train = 96, int test = 48, int size = 16, int seed = 1)
    {
        return new DatasetSplits(Make("tiny", train, size, seed), Make("tiny", test, size, seed + 100), new Normalization([0.2f, 0.2f, 0.2f], [0.3f, 0.3f, 0.3f]));
    }

    private static ImageDataset Make(string name, int count, int size, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 3 * size * size];
        var labels = new long[count];
        int half = size / 2;
        for (int i = 0; i < count; i++)
        {
            int label = i % 4;
            labels[i] = label;
            int top = (label / 2) * half + rng.Next(0, half - 3), left = (label % 2) * half + rng.Next(0, half - 3);
            for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                bool inSquare = y >= top && y < top + 3 && x >= left && x < left + 3;
                pixels[((i * 3 + c) * size + y) * size + x] = (byte)(inSquare ? 230 : rng.Next(0, 60));
            }
        }
        return new ImageDataset(name, tensor(pixels).view(count, 3, size, size), tensor(labels), ["q0", "q1", "q2", "q3"]);
    }
}
