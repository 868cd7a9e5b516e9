using Myopia.Data.Formats;

namespace Myopia.Data;

/// <summary>A file a dataset is published as, with the MD5 its publisher gives.</summary>
public sealed record RemoteFile(string FileName, string Url, string Md5);

/// <summary>
/// What the project knows about one dataset: its catalog name, the official download(s), the
/// readers for its on-disk layouts (tried in order), names an archive of it usually carries, and
/// the normalization constants published for it (for reference; loading computes its own), and the
/// most bytes an archive of it may unpack to (generously above the official size; null for datasets
/// of unknown size, whose archives fall under the ratio rule of <see cref="Sources.UnpackLimit"/>).
/// </summary>
public sealed record DatasetInfo(
    string Name,
    string Format,
    string Description,
    IReadOnlyList<RemoteFile> Downloads,
    Normalization? PublishedNormalization,
    IReadOnlyList<string> ArchiveHints,
    Func<IReadOnlyList<IDatasetReader>> CreateReaders,
    long? MaxUnpackedBytes = null)
{
    /// <summary>True when the dataset is generated in memory (no files, nothing to fetch).</summary>
    public bool IsEmbedded => Name is DatasetCatalog.Synthetic or DatasetCatalog.TwoPoints;

    /// <summary>One archive to download and extract (the CIFAR/STL/Tiny-ImageNet case) rather than loose files (MNIST).</summary>
    public bool IsSingleArchive => Downloads.Count == 1;
}
