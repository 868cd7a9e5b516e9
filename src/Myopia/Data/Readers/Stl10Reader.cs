using static TorchSharp.torch;

namespace Myopia.Data.Readers;

/// <summary>
/// STL-10 binary: <c>*_X.bin</c> is uint8 N x 3 x 96 x 96 with each plane stored column-major, so
/// the last two axes are swapped after reading (forgetting it yields transposed images);
/// <c>*_y.bin</c> holds labels 1..10.
/// </summary>
public static class Stl10Reader
{
    public const int Side = 96;

    public static ImageDataset Read(string folder, string split, IReadOnlyList<string> classNames)
    {
        var xPath = Path.Combine(folder, $"{split}_X.bin");
        var yPath = Path.Combine(folder, $"{split}_y.bin");
        if (!File.Exists(xPath) || !File.Exists(yPath)) throw new MyopiaException($"{folder}: missing {split}_X.bin or {split}_y.bin");
        var x = File.ReadAllBytes(xPath);
        var y = File.ReadAllBytes(yPath);
        const int size = 3 * Side * Side;
        if (x.Length == 0 || x.Length % size != 0)
            throw new MyopiaException($"{Path.GetFileName(xPath)}: {x.Length:N0} bytes is not a whole number of 3x96x96 images; truncated or corrupt");
        int n = x.Length / size;
        if (y.Length != n)
            throw new MyopiaException($"{Path.GetFileName(yPath)}: {y.Length:N0} labels for {n:N0} images");
        var labels = y.Select(b => b is >= 1 and <= 10 ? (long)(b - 1) : throw new MyopiaException($"{Path.GetFileName(yPath)}: label {b} outside 1..10")).ToArray();
        using var columnMajor = tensor(x).view(n, 3, Side, Side);
        return new ImageDataset($"stl10/{split}", columnMajor.transpose(2, 3).contiguous(), tensor(labels), classNames);
    }
}
