namespace Myopia.Data.Fetching;

/// <summary>One file of a fetch: where it is, its verified MD5, and what the network had to supply.</summary>
public sealed record FetchedFile(string Path, string Md5, long Bytes, long BytesDownloaded, bool Resumed, bool AlreadyPresent);

/// <summary>What a fetch did: the verified files and, for archives, the folder they were extracted into.</summary>
public sealed record FetchResult(string Dataset, string Destination, IReadOnlyList<FetchedFile> Files, IReadOnlyList<string> ExtractedEntries);
