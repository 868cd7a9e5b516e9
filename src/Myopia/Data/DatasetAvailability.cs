using Myopia.Data.Cache;

namespace Myopia.Data;

/// <summary>Whether a dataset is on this machine (and where), and whether its decoded tensors are cached.</summary>
public sealed record DatasetAvailability(string Name, string? Location, bool Cached, IReadOnlyList<string> SearchedPlaces)
{
    public bool Present => Location != null;

    /// <summary>Looks for <paramref name="info"/> as <see cref="DatasetCatalog.Load"/> would, without reading it.</summary>
    public static DatasetAvailability Check(DatasetInfo info, string? dataDir = null, DatasetCache? cache = null)
    {
        if (info.IsEmbedded) return new DatasetAvailability(info.Name, "generated in memory", false, []);
        var places = dataDir != null ? [Path.GetFullPath(dataDir)] : DatasetLocator.SearchPlaces(info.Name);
        try
        {
            var tree = DatasetLocator.TryLocate(info, dataDir, out _);
            if (tree == null) return new DatasetAvailability(info.Name, null, false, places);
            var key = DatasetLoader.CacheKey(info.Name, tree, info.CreateReaders());
            return new DatasetAvailability(info.Name, tree.Location, (cache ?? DatasetCache.Default).Contains(info.Name, key), places);
        }
        catch (MyopiaException)
        {
            return new DatasetAvailability(info.Name, null, false, places);
        }
    }
}
