using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// STL-10 binary release (stl10_binary.tar.gz): {train,test}_X.bin hold uint8 N x 3 x 96 x 96 with
/// every channel stored column-major, so each plane is transposed here; {train,test}_y.bin hold
/// labels 1..10, shifted to 0..9. The 100,000 unlabeled images are not read.
/// </summary>
public sealed class Stl10BinaryReader : IDatasetReader
{
    public const int Side = 96;
    private const int PlaneBytes = Side * Side;
    private const int ImageBytes = 3 * PlaneBytes;
    private const string NamesFile = "class_names.txt";
    private static readonly string[] Files = ["train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin", NamesFile];

    public string Format => "stl10-binary";
    public string Layout => "stl10_binary/train_X.bin, train_y.bin, test_X.bin, test_y.bin, class_names.txt";

    public bool Wants(string path) => Files.Contains(RootFinder.FileName(path));

    public string? FindRoot(IReadOnlyList<string> paths) => RootFinder.ByMarker(paths, "train_X.bin");

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        var train = ReadSplit(files, root, "train");
        var test = ReadSplit(files, root, "test");
        var names = ClassNameFile.Parse(files[root + NamesFile], NamesFile, expected: 10);
        return new DecodedDataset(Format, train, test, names);
    }

    private static DecodedImages ReadSplit(FileSet files, string root, string split)
    {
        string xName = $"{split}_X.bin", yName = $"{split}_y.bin";
        var x = files[root + xName];
        var y = files[root + yName];
        if (x.Length == 0 || x.Length % ImageBytes != 0)
            throw new MyopiaException($"{xName}: {x.Length:N0} bytes is not a whole number of 3x96x96 images ({ImageBytes:N0} bytes each)");
        var count = x.Length / ImageBytes;
        if (y.Length != count)
            throw new MyopiaException($"{yName}: {y.Length:N0} labels for {count:N0} images in {xName}");
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (y[i] is < 1 or > 10)
                throw new MyopiaException($"{yName}: label {y[i]} of image {i} is outside 1..10");
            labels[i] = y[i] - 1;
        }
        var pixels = new byte[x.Length];
        Parallel.For(0, count * 3, plane =>
        {
            // Column-major on disk: byte (col * 96 + row) holds pixel (row, col).
            var src = x.AsSpan(plane * PlaneBytes, PlaneBytes);
            var dst = pixels.AsSpan(plane * PlaneBytes, PlaneBytes);
            for (var col = 0; col < Side; col++)
                for (var row = 0; row < Side; row++)
                    dst[row * Side + col] = src[col * Side + row];
        });
        return new DecodedImages(pixels, labels, 3, Side, Side);
    }
}
