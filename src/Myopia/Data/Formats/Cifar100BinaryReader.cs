using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// CIFAR-100 binary release (cifar-100-binary.tar.gz): train.bin and test.bin of 3074-byte records
/// (coarse label, fine label, then R, G, B planes). By default the 100 fine labels, named in
/// fine_label_names.txt; with <paramref name="coarse"/> the 20 superclasses of coarse_label_names.txt.
/// </summary>
public sealed class Cifar100BinaryReader(bool coarse = false) : IDatasetReader
{
    public const int RecordBytes = 2 + CifarRecordReader.PixelBytes;
    private const string NamesFile = "fine_label_names.txt";
    private const string CoarseNamesFile = "coarse_label_names.txt";

    public string Format => coarse ? "cifar100-binary-coarse" : "cifar100-binary";
    public string Layout => coarse ? "cifar-100-binary/train.bin, test.bin, fine_label_names.txt, coarse_label_names.txt" : "cifar-100-binary/train.bin, test.bin, fine_label_names.txt";

    public bool Wants(string path) => RootFinder.FileName(path) is "train.bin" or "test.bin" or NamesFile or CoarseNamesFile;

    public string? FindRoot(IReadOnlyList<string> paths)
    {
        var root = RootFinder.ByMarker(paths, NamesFile);
        return root != null && paths.Contains(root + "train.bin") ? root : null;
    }

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        int labelIndex = coarse ? 0 : 1, classes = coarse ? 20 : 100;
        var namesFile = coarse ? CoarseNamesFile : NamesFile;
        if (!files.Contains(root + namesFile)) throw new MyopiaException($"{files.Origin}: {root}{namesFile} is missing");
        var train = CifarRecordReader.Read([("train.bin", files[root + "train.bin"])], labelBytes: 2, labelIndex: labelIndex, classCount: classes);
        var test = CifarRecordReader.Read([("test.bin", files[root + "test.bin"])], labelBytes: 2, labelIndex: labelIndex, classCount: classes);
        var names = ClassNameFile.Parse(files[root + namesFile], namesFile, expected: classes);
        return new DecodedDataset(Format, train, test, names);
    }
}
