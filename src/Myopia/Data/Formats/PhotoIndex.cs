using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>One labelled image file of a split, by its path inside the dataset's folder or archive.</summary>
public sealed record PhotoFile(string Path, int Label);

/// <summary>
/// A dataset of image files before any is decoded: each split's files and labels, the class
/// identifiers and, where the dataset ships them, the words they stand for (ImageNet WNIDs).
/// </summary>
public sealed record PhotoIndex(string Format, IReadOnlyList<PhotoFile> Train, IReadOnlyList<PhotoFile> Test, string TestSplit,
    IReadOnlyList<string> ClassNames, IReadOnlyList<string>? ClassWords);

/// <summary>A reader of a layout of image files, which can list them without decoding (so they can be streamed).</summary>
public interface IPhotoReader : IDatasetReader
{
    PhotoIndex Index(FileSet files, string root, Action<string>? log = null);
}

/// <summary>
/// Class descriptions shipped beside WNID-named classes: Tiny-ImageNet's and ImageNet's words.txt
/// ("n01443537\tgoldfish, Carassius auratus") or Kaggle's LOC_synset_mapping.txt ("n01443537 goldfish, ...").
/// </summary>
public static class ClassWordsFile
{
    public static readonly string[] FileNames = ["words.txt", "LOC_synset_mapping.txt"];

    public static bool IsWordsFile(string path) => FileNames.Contains(RootFinder.FileName(path));

    /// <summary>The words of each class, from the first words file at or above <paramref name="root"/>; null when there is none.</summary>
    public static IReadOnlyList<string>? Find(FileSet files, string root, IReadOnlyList<string> classNames)
    {
        foreach (var folder in new[] { root, Parent(root) }.Distinct())
            foreach (var name in FileNames)
                if (files.Contains(folder + name))
                    return Lookup(System.Text.Encoding.UTF8.GetString(files[folder + name]), classNames);
        return null;
    }

    private static string Parent(string root)
    {
        var trimmed = root.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? "" : trimmed[..(slash + 1)];
    }

    private static IReadOnlyList<string>? Lookup(string text, IReadOnlyList<string> classNames)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var split = line.IndexOfAny(['\t', ' ']);
            if (split <= 0) continue;
            words.TryAdd(line[..split], line[(split + 1)..].Trim());
        }
        // Only when every class is described: a partial list would mislabel figures silently.
        if (!classNames.All(words.ContainsKey)) return null;
        return classNames.Select(c => words[c]).ToList();
    }
}
