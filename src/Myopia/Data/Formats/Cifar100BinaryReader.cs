using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// CIFAR-100 binary release (cifar-100-binary.tar.gz): train.bin and test.bin of 3074-byte records
/// (coarse label, fine label, then R, G, B planes). We classify the 100 fine labels, named in
/// fine_label_names.txt.
/// </summary>
public sealed class Cifar100BinaryReader : IDatasetReader
{
    public const int RecordBytes = 2 + CifarRecordReader.PixelBytes;
    private const string NamesFile = "fine_label_names.txt";

    public string Format => "cifar100-binary";
    public string Layout => "cifar-100-binary/train.bin, test.bin, fine_label_names.txt";

    public bool Wants(string path) => RootFinder.FileName(path) is "train.bin" or "test.bin" or NamesFile;

    public string? FindRoot(IReadOnlyList<string> paths)
    {
        var root = RootFinder.ByMarker(paths, NamesFile);
        return root != null && paths.Contains(root + "train.bin") ? root : null;
    }

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        var train = CifarRecordReader.Read([("train.bin", files[root + "train.bin"])], labelBytes: 2, labelIndex: 1, classCount: 100);
        var test = CifarRecordReader.Read([("test.bin", files[root + "test.bin"])], labelBytes: 2, labelIndex: 1, classCount: 100);
        var names = ClassNameFile.Parse(files[root + NamesFile], NamesFile, expected: 100);
        return new DecodedDataset(Format, train, test, names);
    }
}
