using Myopia.Data.Synthetic;

namespace Myopia.Data;

/// <summary>
/// The image side of a catalog dataset known without reading it (the published sets have one size,
/// the synthetic set says its own, a crop option fixes it), so options such as a tile size can be checked before any data
/// is loaded or any run starts. Null where only the files can tell (imagefolder).
/// </summary>
public static class DatasetImageSide
{
    private static readonly Dictionary<string, int> Published = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cifar10"] = 32, ["cifar100"] = 32, ["stl10"] = 96, ["mnist"] = 28, ["fashion-mnist"] = 28, ["tiny-imagenet"] = 64,
    };

    /// <summary>
    /// The side of <paramref name="data"/> (a catalog name, with options for the synthetic set); throws
    /// on bad options. Null for a name outside the catalog (an in-memory dataset given to the library).
    /// </summary>
    public static int? Of(string data)
    {
        var (name, options) = DatasetCatalog.ParseName(data);
        if (DatasetCatalog.Find(name) is not { } info) return null;
        if (info.Name == DatasetCatalog.TwoPoints) return TwoPointsOptions.Parse(options).Side;
        if (info.IsEmbedded) return SyntheticOptions.Parse(options).ImageSize;
        var files = DatasetOptions.Parse(options, info.Name);
        // A crop fixes the side whatever the files; a resize alone leaves it to them.
        if (files.Pipeline?.OutputSize(train: true) is { } size) return Math.Min(size.Height, size.Width);
        if (files.Pipeline?.Resize is not null) return null;
        return Published.TryGetValue(info.Name, out var side) ? side : null;
    }
}
