namespace Myopia.IO;

/// <summary>
/// skipped-images.tsv in a run folder: the files a dataset with on-bad-image=skip left out (split, path,
/// reason), so a result says exactly which images it is missing. Written only when some were skipped.
/// </summary>
public static class SkippedImagesFile
{
    public const string FileName = "skipped-images.tsv";

    public static string? Write(string folder, IReadOnlyList<string> skipped)
    {
        if (skipped.Count == 0) return null;
        var path = Path.Combine(folder, FileName);
        AtomicFile.WriteAllText(path, "split\tpath\treason\n" + string.Join("\n", skipped) + "\n");
        return path;
    }
}
