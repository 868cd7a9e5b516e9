namespace Myopia.Data.Formats;

/// <summary>Locates a layout's folder among relative paths by a marker file name.</summary>
internal static class RootFinder
{
    /// <summary>
    /// The folder of the shallowest path whose file name is <paramref name="marker"/> (ordinal tie-break),
    /// e.g. "cifar-10-batches-bin/" for "cifar-10-batches-bin/data_batch_1.bin"; null when absent.
    /// </summary>
    public static string? ByMarker(IReadOnlyList<string> paths, string marker) =>
        paths.Where(p => p == marker || p.EndsWith("/" + marker, StringComparison.Ordinal))
            .Select(p => p[..^marker.Length])
            .OrderBy(p => p.Count(c => c == '/'))
            .ThenBy(p => p, StringComparer.Ordinal)
            .FirstOrDefault();

    public static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
