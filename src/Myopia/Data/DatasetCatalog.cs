using Myopia.Data.Cache;
using Myopia.Data.Formats;
using Myopia.Data.Sources;
using Myopia.Data.Synthetic;

namespace Myopia.Data;

/// <summary>
/// The datasets the project knows by name, and the one entry point that loads any of them:
/// <see cref="Load(string, string?, Action{string}?)"/>. Sources, checksums and layouts follow
/// specs/datasets-formats.md.
/// </summary>
public static class DatasetCatalog
{
    public const string Synthetic = "synthetic";
    public const string TwoPoints = "twopoints";

    private static readonly Normalization CifarStatistics = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);
    private static readonly Normalization Cifar100Statistics = new([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]);
    private static readonly Normalization Stl10Statistics = new([0.4467f, 0.4398f, 0.4066f], [0.2603f, 0.2566f, 0.2713f]);
    private static readonly Normalization MnistStatistics = new([0.1307f], [0.3081f]);
    private static readonly Normalization ImageNetStatistics = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    private const string MnistMirror = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private const string FashionMnistRelease = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    public static IReadOnlyList<DatasetInfo> All { get; } =
    [
        new(Synthetic, "embedded generator", "10-class 32x32 RGB images whose label lives in small local motifs (docs/synthetic-dataset.md)",
            [], null, [], () => []),
        new(TwoPoints, "embedded generator", "scale detection (Tomasini et al. 2023): 28x28 one-channel images with two active pixels, close vs far " +
                       "(twopoints:xi=14,gap=2,train=1024,side=28,seed=123456789; docs/scale-detection.md)",
            [], null, [], () => []),
        new("cifar10", "CIFAR-10 binary, or ImageFolder (folder or .tar.gz)", "CIFAR-10 (Krizhevsky 2009): 50,000 + 10,000 32x32 RGB images, 10 classes",
            [new("cifar-10-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530")],
            CifarStatistics, ["cifar-10", "cifar10"],
            () => [new Cifar10BinaryReader(), new ImageFolderReader("cifar10-imagefolder", expectedClasses: 10)],
            // Binary 184 MB, JPEG ImageFolder 93 MB; PNG ImageFolder copies with per-file tar headers reach ~0.3 GB.
            MaxUnpackedBytes: 1_000_000_000),
        new("cifar100", "CIFAR-100 binary", "CIFAR-100 (Krizhevsky 2009): 50,000 + 10,000 32x32 RGB images, 100 fine classes (cifar100:labels=coarse: the 20 superclasses)",
            [new("cifar-100-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8")],
            Cifar100Statistics, ["cifar-100", "cifar100"],
            () => [new Cifar100BinaryReader()],
            MaxUnpackedBytes: 400_000_000), // 184 MB unpacked
        new("stl10", "STL-10 binary", "STL-10 (Coates et al. 2011): 5,000 + 8,000 labelled 96x96 RGB images, 10 classes",
            [new("stl10_binary.tar.gz", "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb")],
            Stl10Statistics, ["stl10", "stl-10"],
            () => [new Stl10BinaryReader()],
            MaxUnpackedBytes: 6_500_000_000), // 3.1 GB unpacked, most of it the unlabeled split
        new("mnist", "IDX (raw or .gz)", "MNIST (LeCun, Cortes, Burges): 60,000 + 10,000 28x28 grayscale digits",
            MnistFiles(MnistMirror, ["f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432", "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"]),
            MnistStatistics, [],
            () => [IdxReader.Mnist()],
            MaxUnpackedBytes: 200_000_000), // 55 MB raw; an archive may hold both raw and .gz files
        new("fashion-mnist", "IDX (raw or .gz)", "Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60,000 + 10,000 28x28 grayscale clothing images",
            MnistFiles(FashionMnistRelease, ["8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe", "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"]),
            null, [],
            () => [IdxReader.FashionMnist()],
            MaxUnpackedBytes: 200_000_000),
        new("tiny-imagenet", "Tiny-ImageNet-200 folder or .zip", "Tiny-ImageNet-200: 100,000 train + 10,000 val 64x64 RGB images, 200 classes",
            [new("tiny-imagenet-200.zip", "http://cs231n.stanford.edu/tiny-imagenet-200.zip", "90528d7ca1a48142e341f4ef8d21d0de")],
            ImageNetStatistics, ["tiny-imagenet"],
            () => [new TinyImageNetReader()],
            MaxUnpackedBytes: 1_000_000_000), // ~250 MB of JPEGs
        new("imagenet", "ImageFolder of WNID folders (folder; no download)", "ImageNet-style photos of any size: train/<wnid>/*.JPEG and val/<wnid>/*.JPEG, " +
                                                                        "resized and center-cropped as torchvision evaluates (imagenet:resize=256,crop=224 by default); words.txt names the WNIDs",
            [], ImageNetStatistics, ["imagenet", "imagenette"],
            () => [new ImageFolderReader("imagenet")]),
        new("imagefolder", "ImageFolder (folder or archive)", "any <root>/{train,test|val}/<class>/*.{jpg,png} tree; photos of different sizes are resized and cropped " +
                                                             "(imagefolder:resize=256,crop=224 by default; see docs/photo-datasets.md)",
            [], null, [],
            () => [new ImageFolderReader()]),
    ];

    public static IReadOnlyList<string> Names => All.Select(d => d.Name).ToList();

    public static DatasetInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    public static DatasetInfo Get(string name) =>
        Find(name) ?? throw new MyopiaException($"unknown dataset '{name}'; known datasets: {string.Join(", ", Names)}");

    /// <summary>
    /// Splits a dataset name into the catalog name and its options: "synthetic:train_count=1000"
    /// gives ("synthetic", "train_count=1000"). The generators take their parameters this way
    /// ("twopoints:xi=10"), datasets of files their <see cref="DatasetOptions"/> ("imagenet:resize=256,crop=224"),
    /// so a run's recorded dataset name is enough to rebuild exactly the data it was trained on.
    /// </summary>
    public static (string Name, string? Options) ParseName(string name)
    {
        var colon = name.IndexOf(':');
        return colon < 0 ? (name.Trim(), null) : (name[..colon].Trim(), name[(colon + 1)..].Trim());
    }

    /// <summary>
    /// Loads a dataset by catalog name. <paramref name="dataDir"/> is the dataset folder, a folder
    /// containing it or its archive, or the archive itself; null searches $MYOPIA_DATA and
    /// ~/.myopia/data/&lt;name&gt;. Decoded images are cached under $MYOPIA_CACHE (or ~/.cache/myopia),
    /// and <see cref="DatasetSplits.Normalization"/> holds the train split's own per-channel statistics.
    /// </summary>
    public static DatasetSplits Load(string name, string? dataDir, Action<string>? log = null) =>
        LoadWithSource(name, dataDir, log).Splits;

    /// <summary>Like <see cref="Load(string, string?, Action{string}?)"/>, also telling which format and source were used.</summary>
    public static LoadedDataset LoadWithSource(string name, string? dataDir, Action<string>? log = null, DatasetCache? cache = null)
    {
        var (info, options) = Resolve(name);
        if (info.IsEmbedded)
            return new LoadedDataset(info.Name, info.Format, "generated", false, info.Name == TwoPoints
                ? TwoPointsDataset.Generate(TwoPointsOptions.Parse(options), log)
                : SyntheticDataset.Generate(SyntheticOptions.Parse(options)));
        var tree = DatasetLocator.Locate(info, dataDir);
        var fileOptions = FileOptions(info, options);
        var readers = info.Name == "cifar100" && fileOptions.Labels == "coarse" ? [new Cifar100BinaryReader(coarse: true)] : info.CreateReaders();
        return DatasetLoader.Load(info.Name, tree, readers, cache ?? DatasetCache.Default, log, fileOptions);
    }

    // The catalog entry of a name with options.
    private static (DatasetInfo Info, string? Options) Resolve(string name)
    {
        var (baseName, options) = ParseName(name);
        var info = Get(baseName);
        if (!info.IsEmbedded) FileOptions(info, options);
        return (info, options);
    }

    // A dataset of files' options, refusing those that do not apply to it.
    private static DatasetOptions FileOptions(DatasetInfo info, string? text)
    {
        var options = DatasetOptions.Parse(text, info.Name);
        if (options.Labels is not null && info.Name != "cifar100")
            throw new MyopiaException($"labels={options.Labels}: only cifar100 has a second label set (coarse)");
        return options;
    }

    /// <summary>Throws with the places searched if the named dataset (with any options) cannot be loaded; reads nothing.</summary>
    public static void EnsureAvailable(string name, string? dataDir)
    {
        var (info, options) = Resolve(name);
        if (info.IsEmbedded)
        {
            if (info.Name == TwoPoints) TwoPointsOptions.Parse(options);
            else SyntheticOptions.Parse(options);
            return;
        }
        var availability = DatasetAvailability.Check(info, dataDir);
        if (!availability.Present)
            throw new MyopiaException($"dataset '{info.Name}' not found (looked in {string.Join(", ", availability.SearchedPlaces)})");
    }

    /// <summary>
    /// Loads whatever dataset is at <paramref name="path"/> (folder or archive), recognising any
    /// supported layout: for <c>myopia data inspect PATH</c>.
    /// </summary>
    public static LoadedDataset LoadPath(string path, Action<string>? log = null, DatasetCache? cache = null)
    {
        var tree = FileTree.Open(path);
        var readers = All.SelectMany(d => d.CreateReaders())
            .Where(r => r.Format != "cifar10-imagefolder")
            .ToList();
        if (tree is DirectoryTree folder)
        {
            // Narrow to the folder holding a recognised layout, so the cache key covers only its files.
            var paths = folder.List(p => readers.Any(r => r.Wants(p)));
            var match = readers.Select(r => (Reader: r, Root: r.FindRoot(paths))).FirstOrDefault(m => m.Root != null);
            if (match.Reader == null)
                throw new MyopiaException($"{path}: no known dataset layout found (CIFAR-10/100 or STL-10 binary, IDX, Tiny-ImageNet, ImageFolder)");
            readers = [match.Reader];
            tree = new DirectoryTree(Path.Combine(folder.Location, match.Root!));
        }
        return DatasetLoader.Load("path", tree, readers, cache ?? DatasetCache.Default, log);
    }

    private static IReadOnlyList<RemoteFile> MnistFiles(string baseUrl, string[] md5s) =>
        IdxReader.FileNames.Select((f, i) => new RemoteFile(f + ".gz", baseUrl + f + ".gz", md5s[i])).ToList();
}
