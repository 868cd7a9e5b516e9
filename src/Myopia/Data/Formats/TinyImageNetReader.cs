using System.Text;
using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// Tiny-ImageNet-200 (tiny-imagenet-200.zip): class index = line of wnids.txt; training images in
/// train/&lt;wnid&gt;/images/*.JPEG; the labelled validation set (used as test split, as the paper did)
/// in val/images/ with labels in val/val_annotations.txt. The unlabelled test/ folder is not read.
/// </summary>
public sealed class TinyImageNetReader : IPhotoReader
{
    private const string WnidsFile = "wnids.txt";
    private const string AnnotationsFile = "val_annotations.txt";

    public string Format => "tiny-imagenet";
    public string Layout => "tiny-imagenet-200/wnids.txt, train/<wnid>/images/*.JPEG, val/images/*.JPEG, val/val_annotations.txt";

    public bool Wants(string path)
    {
        var name = RootFinder.FileName(path);
        if (name is WnidsFile or AnnotationsFile || ClassWordsFile.IsWordsFile(path)) return true;
        return ImageDecoder.IsImageFile(path) && (path.Contains("/images/", StringComparison.Ordinal) || path.StartsWith("images/", StringComparison.Ordinal))
               && !path.Contains("test/images/", StringComparison.Ordinal);
    }

    public string? FindRoot(IReadOnlyList<string> paths)
    {
        var root = RootFinder.ByMarker(paths, WnidsFile);
        return root != null && paths.Contains(root + "val/" + AnnotationsFile) ? root : null;
    }

    public DecodedDataset Read(FileSet files, string root, Action<string>? log = null)
    {
        var index = Index(files, root, log);
        log?.Invoke($"decoding {index.Train.Count:N0} train and {index.Test.Count:N0} val images ({index.ClassNames.Count} classes) from {files.Origin}");
        return new DecodedDataset(Format, ImageFolderReader.Decode(files, index.Train, log), ImageFolderReader.Decode(files, index.Test, log), index.ClassNames)
        {
            ClassWords = index.ClassWords,
        };
    }

    public PhotoIndex Index(FileSet files, string root, Action<string>? log = null)
    {
        var wnids = ClassNameFile.Parse(files[root + WnidsFile], WnidsFile);
        var index = wnids.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);

        var train = new List<(string Path, string Class)>();
        foreach (var path in files.Paths.Where(p => p.StartsWith(root + "train/", StringComparison.Ordinal) && ImageDecoder.IsImageFile(p)))
        {
            // train/<wnid>/images/<file>
            var parts = path[(root.Length + "train/".Length)..].Split('/');
            if (parts.Length != 3 || parts[1] != "images") continue;
            if (!index.ContainsKey(parts[0]))
                throw new MyopiaException($"{files.Origin}: {path}: class '{parts[0]}' is not listed in {WnidsFile}");
            train.Add((path, parts[0]));
        }
        train = train.OrderBy(t => index[t.Class]).ThenBy(t => t.Path, StringComparer.Ordinal).ToList();

        var test = new List<(string Path, string Class)>();
        var annotations = Encoding.UTF8.GetString(files[root + "val/" + AnnotationsFile]).Split('\n');
        for (var line = 0; line < annotations.Length; line++)
        {
            var text = annotations[line].TrimEnd('\r');
            if (text.Length == 0) continue;
            var fields = text.Split('\t');
            if (fields.Length < 2)
                throw new MyopiaException($"{AnnotationsFile} line {line + 1}: expected tab-separated 'file, wnid, box', got '{text}'");
            if (!index.ContainsKey(fields[1]))
                throw new MyopiaException($"{AnnotationsFile} line {line + 1}: class '{fields[1]}' is not listed in {WnidsFile}");
            var path = root + "val/images/" + fields[0];
            if (!files.Contains(path))
                throw new MyopiaException($"{AnnotationsFile} line {line + 1}: image {path} is missing");
            test.Add((path, fields[1]));
        }
        test = test.OrderBy(t => t.Path, StringComparer.Ordinal).ToList();
        if (train.Count == 0) throw new MyopiaException($"{files.Origin}: no training images under {root}train/<wnid>/images/");
        return new PhotoIndex(Format,
            train.Select(t => new PhotoFile(t.Path, index[t.Class])).ToList(),
            test.Select(t => new PhotoFile(t.Path, index[t.Class])).ToList(),
            "val", wnids, ClassWordsFile.Find(files, root, wnids));
    }
}
