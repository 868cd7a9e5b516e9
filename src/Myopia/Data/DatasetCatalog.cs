using Myopia.Data.Readers;
using Myopia.Data.Synthetic;

namespace Myopia.Data;

/// <summary>
/// Every dataset Myopia reads, by name, from its official format. <see cref="Load"/> resolves
/// where the data is, decodes it once into the on-disk tensor cache and computes the per-channel
/// normalization from the training split (better than published constants when a copy differs,
/// as the JPEG copy of CIFAR-10 does).
/// </summary>
public static class DatasetCatalog
{
    private static readonly string[] Cifar10Classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
    private static readonly string[] Stl10Classes = ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];
    private static readonly string[] FashionClasses = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"];
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray();
    private const string MnistMirror = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private const string FashionBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    public static readonly IReadOnlyList<DatasetInfo> All =
    [
        new("synthetic", "built in", "convolutional data set: class motifs among distractor patches (docs/synthetic-dataset.md)", [], null),
        new("cifar10", "CIFAR binary or ImageFolder (folder or .tar.gz)", "CIFAR-10, 50k/10k 32x32 RGB, 10 classes",
            [new("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-binary.tar.gz")], "cifar-10-batches-bin"),
        new("cifar100", "CIFAR-100 binary", "CIFAR-100, 50k/10k 32x32 RGB, 100 fine classes",
            [new("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary.tar.gz")], "cifar-100-binary"),
        new("stl10", "STL-10 binary (column-major planes)", "STL-10, 5k/8k 96x96 RGB, 10 classes",
            [new("http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb", "stl10_binary.tar.gz")], "stl10_binary"),
        new("tiny-imagenet", "Tiny-ImageNet-200 folders", "Tiny-ImageNet, 100k/10k 64x64 RGB, 200 classes",
            [new("http://cs231n.stanford.edu/tiny-imagenet-200.zip", "90528d7ca1a48142e341f4ef8d21d0de", "tiny-imagenet-200.zip")], "tiny-imagenet-200"),
        new("mnist", "IDX (.gz or raw)", "MNIST, 60k/10k 28x28 gray, 10 digits",
        [
            new(MnistMirror + "train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "train-images-idx3-ubyte.gz"),
            new(MnistMirror + "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", "train-labels-idx1-ubyte.gz"),
            new(MnistMirror + "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", "t10k-images-idx3-ubyte.gz"),
            new(MnistMirror + "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", "t10k-labels-idx1-ubyte.gz"),
        ], null),
        new("fashion-mnist", "IDX (.gz or raw)", "Fashion-MNIST, 60k/10k 28x28 gray, 10 classes",
        [
            new(FashionBase + "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "train-images-idx3-ubyte.gz"),
            new(FashionBase + "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", "train-labels-idx1-ubyte.gz"),
            new(FashionBase + "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", "t10k-images-idx3-ubyte.gz"),
            new(FashionBase + "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", "t10k-labels-idx1-ubyte.gz"),
        ], null),
        new("imagefolder", "ImageFolder: <root>/{train,test|val}/<class>/*.jpg|png, folder or .tar.gz", "any image classification set", [], null),
    ];

    public static IReadOnlyList<string> Names => All.Select(d => d.Name).ToList();

    public static DatasetInfo Info(string name) =>
        All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new MyopiaException($"unknown dataset '{name}'; known datasets: {string.Join(", ", Names)}");

    /// <summary>Default location of a dataset when --data-dir is not given: $MYOPIA_DATA/NAME or ~/.myopia/data/NAME.</summary>
    public static string DefaultLocation(string name) => Path.Combine(
        Environment.GetEnvironmentVariable("MYOPIA_DATA") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".myopia", "data"), name);

    /// <summary>Loads the train and test splits of a dataset (Tiny-ImageNet: val as test).</summary>
    public static DatasetSplits Load(string name, string? dataDir, Action<string>? log = null)
    {
        var info = Info(name);
        if (info.Name == "synthetic") return ConvolutionalDataset.Generate();

        var location = dataDir ?? DefaultLocation(info.Name);
        if (!File.Exists(location) && !Directory.Exists(location))
            throw new MyopiaException(dataDir is null
                ? $"{info.Name} not found at {location}; pass --data-dir or run 'myopia data fetch {info.Name}'"
                : $"{info.Name} not found: {location} does not exist");
        var key = DatasetCache.Key(info.Name, location);
        if (!File.Exists(DatasetCache.PathOf(key))) log?.Invoke($"decoding {info.Name} from {location} (once; cached in {DatasetCache.Folder})");
        return DatasetCache.GetOrCreate(key, () => Read(info.Name, location), log);
    }

    private static (ImageDataset Train, ImageDataset Test) Read(string name, string location)
    {
        switch (name)
        {
            case "cifar10":
                if (FindFolderWith(location, "data_batch_1.bin") is { } binary)
                    return (CifarBinaryReader.ReadCifar10(Enumerable.Range(1, 5).Select(i => Path.Combine(binary, $"data_batch_{i}.bin")), "cifar10/train", ClassNames(binary, "batches.meta.txt", Cifar10Classes)),
                            CifarBinaryReader.ReadCifar10([Path.Combine(binary, "test_batch.bin")], "cifar10/test", ClassNames(binary, "batches.meta.txt", Cifar10Classes)));
                return ImageFolder(location, "cifar10");
            case "cifar100":
            {
                var folder = FindFolderWith(location, "train.bin") ?? throw new MyopiaException($"{location}: no CIFAR-100 train.bin found");
                var classes = ClassNames(folder, "fine_label_names.txt", null) ?? Enumerable.Range(0, 100).Select(i => $"class{i}").ToArray();
                return (CifarBinaryReader.ReadCifar100(Path.Combine(folder, "train.bin"), "cifar100/train", classes),
                        CifarBinaryReader.ReadCifar100(Path.Combine(folder, "test.bin"), "cifar100/test", classes));
            }
            case "stl10":
            {
                var folder = FindFolderWith(location, "train_X.bin") ?? throw new MyopiaException($"{location}: no STL-10 train_X.bin found");
                var classes = ClassNames(folder, "class_names.txt", Stl10Classes)!;
                return (Stl10Reader.Read(folder, "train", classes), Stl10Reader.Read(folder, "test", classes));
            }
            case "tiny-imagenet":
                return TinyImageNetReader.Read(FindFolderWith(location, "wnids.txt") ?? throw new MyopiaException($"{location}: no tiny-imagenet-200/wnids.txt found"));
            case "mnist":
            case "fashion-mnist":
            {
                var classes = name == "mnist" ? Digits : FashionClasses;
                var folder = FindFolderWith(location, "train-images-idx3-ubyte.gz") ?? FindFolderWith(location, "train-images-idx3-ubyte")
                    ?? throw new MyopiaException($"{location}: no train-images-idx3-ubyte(.gz) found");
                return (IdxReader.ReadSplit(folder, "train", $"{name}/train", classes), IdxReader.ReadSplit(folder, "t10k", $"{name}/test", classes));
            }
            case "imagefolder":
                return ImageFolder(location, "imagefolder");
            default:
                throw new MyopiaException($"unknown dataset '{name}'");
        }
    }

    private static (ImageDataset, ImageDataset) ImageFolder(string location, string name)
    {
        var splits = ImageFolderReader.Read(location, name, ["train", "test", "val"]);
        if (!splits.TryGetValue("train", out var train))
            throw new MyopiaException($"{location}: no train/<class>/ images found");
        var test = splits.GetValueOrDefault("test") ?? splits.GetValueOrDefault("val")
            ?? throw new MyopiaException($"{location}: no test/<class>/ or val/<class>/ images found");
        if (splits.TryGetValue("val", out var val) && !ReferenceEquals(val, test)) val.Dispose();
        return (train, test);
    }

    /// <summary>The folder at or below <paramref name="location"/> (two levels) holding <paramref name="file"/>.</summary>
    private static string? FindFolderWith(string location, string file)
    {
        if (!Directory.Exists(location)) return null;
        if (File.Exists(Path.Combine(location, file))) return location;
        foreach (var sub in Directory.GetDirectories(location).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(sub, file))) return sub;
            foreach (var sub2 in Directory.GetDirectories(sub).Order(StringComparer.Ordinal))
                if (File.Exists(Path.Combine(sub2, file))) return sub2;
        }
        return null;
    }

    private static string[]? ClassNames(string folder, string file, string[]? fallback)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path)) return fallback;
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        return names.Length > 0 ? names : fallback;
    }
}
