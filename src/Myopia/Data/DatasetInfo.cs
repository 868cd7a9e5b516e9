namespace Myopia.Data;

/// <summary>An official download: its URL, the MD5 of the file, and the file name it is saved under.</summary>
public sealed record DownloadFile(string Url, string Md5, string FileName);

/// <summary>What the catalog knows of a dataset: its official format and downloads.</summary>
public sealed record DatasetInfo(string Name, string Format, string Description, DownloadFile[] Downloads, string? ExtractedFolder);
