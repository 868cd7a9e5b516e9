using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// The ImageFolder convention: <c>&lt;root&gt;/{train,test|val}/&lt;class&gt;/&lt;image&gt;</c>, class index =
/// position of the class folder in ordinal (byte-wise) sorted order, images in ordinal name order
/// within a class. JPEG and PNG, decoded to RGB (grayscale replicated, alpha dropped); photos of
/// different sizes go through the dataset's resize and crop (<see cref="Transforms.ImagePipeline"/>).
/// A tree that would train or score a different task than it seems to is refused, not trimmed:
/// a class folder without images, a single class, or a class present in only one split (a
/// silently dropped class shifts every later class index and the chance level).
/// </summary>
public sealed class ImageFolderReader(string format = "imagefolder", int? expectedClasses = null) : IPhotoReader
{
    private static readonly string[] TestSplits = ["test", "val"];

    public string Format { get; } = format;
    public string Layout => "<root>/train/<class>/*.{jpg,png} and <root>/test (or val)/<class>/*.{jpg,png}";

    public bool Wants(string path) => ImageDecoder.IsImageFile(path) || ClassWordsFile.IsWordsFile(path);

    public string? FindRoot(IReadOnlyList<string> paths)
    {
        // A root is the folder above "train/<class>/<file>" that also has a test or val split.
        var splitsByRoot = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!ImageDecoder.IsImageFile(path)) continue;
            var parts = path.Split('/');
            if (parts.Length < 3) continue;
            var root = string.Concat(parts[..^3].Select(p => p + "/"));
            if (!splitsByRoot.TryGetValue(root, out var splits)) splitsByRoot[root] = splits = new HashSet<string>(StringComparer.Ordinal);
            splits.Add(parts[^3]);
        }
        return splitsByRoot
            .Where(r => r.Value.Contains("train") && TestSplits.Any(r.Value.Contains))
            .Select(r => r.Key)
            .OrderBy(r => r.Count(c => c == '/'))
            .ThenBy(r => r, StringComparer.Ordinal)
            .Cast<string?>()
            .FirstOrDefault();
    }

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        var index = Index(files, root, log);
        log?.Invoke($"decoding {index.Train.Count:N0} train and {index.Test.Count:N0} {index.TestSplit} images ({index.ClassNames.Count} classes) from {files.Origin}");
        return new DecodedDataset(Format, Decode(files, index.Train, log), Decode(files, index.Test, log), index.ClassNames) { ClassWords = index.ClassWords };
    }

    public PhotoIndex Index(FileSet files, string root, Action<string>? log = null)
    {
        var train = Collect(files, root + "train/");
        var testSplit = TestSplits.First(s => Collect(files, root + s + "/").Count > 0);
        var test = Collect(files, root + testSplit + "/");
        RefuseEmptyClassFolders(files, root + "train/", train);
        RefuseEmptyClassFolders(files, root + testSplit + "/", test);
        var classes = train.Select(f => f.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        if (expectedClasses is { } k && classes.Count != k)
            throw new MyopiaException($"{files.Origin}: {root}train/ has {classes.Count} class folders, expected {k}");
        if (classes.Count < 2)
            throw new MyopiaException($"{files.Origin}: {root}train/ has one class folder ('{classes[0]}'); a classifier needs at least two");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        foreach (var f in test.Where(f => !index.ContainsKey(f.Class)))
            throw new MyopiaException($"{files.Origin}: {f.Path}: class folder '{f.Class}' does not exist in {root}train/");
        var tested = test.Select(f => f.Class).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in classes.Where(c => !tested.Contains(c)))
            throw new MyopiaException($"{files.Origin}: class '{missing}' has train images but no folder in {root}{testSplit}/; every class must be in both splits");
        return new PhotoIndex(Format,
            train.Select(f => new PhotoFile(f.Path, index[f.Class])).ToList(),
            test.Select(f => new PhotoFile(f.Path, index[f.Class])).ToList(),
            testSplit, classes, ClassWordsFile.Find(files, root, classes));
    }

    // Hidden folders (.ipynb_checkpoints, .DS_Store's kin) are tools' litter, not classes.
    private static void RefuseEmptyClassFolders(FileSet files, string splitFolder, List<(string Path, string Class)> images)
    {
        var withImages = images.Select(i => i.Class).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in files.SubfolderNames(splitFolder).Where(f => !f.StartsWith('.')))
            if (!withImages.Contains(folder))
                throw new MyopiaException($"{files.Origin}: class folder {splitFolder}{folder}/ holds no images (.jpg, .jpeg, .png); add its images or remove it");
    }

    private static List<(string Path, string Class)> Collect(FileSet files, string splitFolder) =>
        files.Paths
            .Where(p => p.StartsWith(splitFolder, StringComparison.Ordinal) && ImageDecoder.IsImageFile(p))
            .Select(p => (Path: p, Tail: p[splitFolder.Length..]))
            .Where(p => p.Tail.Count(c => c == '/') == 1)
            .Select(p => (p.Path, Class: p.Tail[..p.Tail.IndexOf('/')]))
            // Paths are ordinal-sorted already, so this groups by class (sorted) and names within it.
            .OrderBy(p => p.Class, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal)
            .ToList();

    internal static DecodedImages Decode(FileSet files, IReadOnlyList<PhotoFile> items, Action<string>? log)
    {
        var (pixels, height, width) = ImageDecoder.DecodeAll(items.Select(i => i.Path).ToList(), path => files[path], log);
        return new DecodedImages(pixels, items.Select(i => i.Label).ToArray(), ImageDecoder.Channels, height, width);
    }
}
