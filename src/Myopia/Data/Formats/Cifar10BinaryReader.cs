using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// CIFAR-10 binary release (cifar-10-binary.tar.gz): data_batch_1..5.bin and test_batch.bin of
/// 3073-byte records (label 0-9, then R, G, B planes), class names in batches.meta.txt.
/// </summary>
public sealed class Cifar10BinaryReader : IDatasetReader
{
    public const int RecordBytes = 1 + CifarRecordReader.PixelBytes;
    private static readonly string[] TrainFiles = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();
    private const string TestFile = "test_batch.bin";
    private const string MetaFile = "batches.meta.txt";

    /// <summary>The official class order, used when batches.meta.txt is absent.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public string Format => "cifar10-binary";
    public string Layout => "cifar-10-batches-bin/data_batch_{1..5}.bin, test_batch.bin, batches.meta.txt";

    public bool Wants(string path)
    {
        var name = RootFinder.FileName(path);
        return TrainFiles.Contains(name) || name == TestFile || name == MetaFile;
    }

    public string? FindRoot(IReadOnlyList<string> paths) => RootFinder.ByMarker(paths, TrainFiles[0]);

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        (string, byte[]) File(string name) => (name, files[root + name]);
        var train = CifarRecordReader.Read(TrainFiles.Select(File).ToList(), labelBytes: 1, labelIndex: 0, classCount: 10);
        var test = CifarRecordReader.Read([File(TestFile)], labelBytes: 1, labelIndex: 0, classCount: 10);
        var names = files.Contains(root + MetaFile)
            ? ClassNameFile.Parse(files[root + MetaFile], MetaFile, expected: 10)
            : ClassNames;
        return new DecodedDataset(Format, train, test, names);
    }
}
