using Myopia.Data.Sources;

namespace Myopia.Data.Fetching;

/// <summary>
/// Fetches a dataset as its publisher distributes it: downloads each official file (resuming
/// partial downloads), verifies its MD5, and extracts archives safely into the destination.
/// The URL and MD5 can be overridden (mirrors, tests); by default they are the catalog's.
/// </summary>
public sealed class DatasetFetcher(HttpClient? client = null)
{
    private readonly HttpClient http = client ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Where <c>myopia data fetch NAME</c> puts a dataset: $MYOPIA_DATA/NAME, else ~/.myopia/data/NAME.</summary>
    public static string DefaultDestination(string name) =>
        Environment.GetEnvironmentVariable("MYOPIA_DATA") is { Length: > 0 } env
            ? Path.Combine(Path.GetFullPath(env), name)
            : DatasetLocator.DefaultFolder(name);

    /// <summary>
    /// The files to fetch for <paramref name="info"/>. <paramref name="url"/> replaces the URL of a
    /// single-archive dataset, or is the base URL the file names are appended to for a multi-file one;
    /// <paramref name="md5"/> replaces the MD5 of a single-archive dataset.
    /// </summary>
    public static IReadOnlyList<RemoteFile> Plan(DatasetInfo info, string? url = null, string? md5 = null)
    {
        if (info.Downloads.Count == 0)
            throw new MyopiaException(info.IsEmbedded
                ? $"{info.Name} is generated in memory; there is nothing to fetch"
                : $"{info.Name} has no public download; point --data-dir at your copy");
        if (md5 != null && info.Downloads.Count != 1)
            throw new MyopiaException($"--md5 applies to single-archive datasets; {info.Name} has {info.Downloads.Count} files");
        if (info.Downloads.Count == 1)
        {
            var file = info.Downloads[0];
            return [file with { Url = url ?? file.Url, Md5 = md5 ?? file.Md5 }];
        }
        if (url == null) return info.Downloads;
        var baseUrl = url.EndsWith('/') ? url : url + "/";
        return info.Downloads.Select(f => f with { Url = baseUrl + f.FileName }).ToList();
    }

    public FetchResult Fetch(DatasetInfo info, string? destination = null, string? url = null, string? md5 = null,
        bool extract = true, Action<DownloadProgress>? progress = null, Action<string>? log = null) =>
        FetchAsync(info.Name, Plan(info, url, md5), destination ?? DefaultDestination(info.Name), extract, progress, log)
            .GetAwaiter().GetResult();

    public async Task<FetchResult> FetchAsync(string dataset, IReadOnlyList<RemoteFile> files, string destination, bool extract,
        Action<DownloadProgress>? progress = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        var target = Path.GetFullPath(destination);
        var downloader = new FileDownloader(http);
        var fetched = new List<FetchedFile>();
        var extracted = new List<string>();
        foreach (var file in files)
        {
            if (file.FileName.Contains('/') || file.FileName.Contains('\\') || file.FileName is "." or "..")
                throw new MyopiaException($"{file.FileName}: a download's file name must not contain a path");
            log?.Invoke($"fetching {file.Url} -> {Path.Combine(target, file.FileName)}");
            var result = await downloader.DownloadAsync(file, target, progress, cancel);
            log?.Invoke(result.AlreadyPresent
                ? $"{file.FileName}: already present, MD5 verified"
                : $"{file.FileName}: {result.Bytes:N0} bytes, MD5 verified{(result.Resumed ? " (resumed)" : "")}");
            fetched.Add(result);
            if (extract && SafeExtractor.IsArchive(result.Path))
            {
                log?.Invoke($"extracting {file.FileName} into {target}");
                extracted.AddRange(SafeExtractor.Extract(result.Path, target, UnpackLimit.For(DatasetCatalog.Find(dataset), result.Path)));
            }
        }
        return new FetchResult(dataset, target, fetched, extracted);
    }
}
