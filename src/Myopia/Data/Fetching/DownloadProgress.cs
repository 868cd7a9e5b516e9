namespace Myopia.Data.Fetching;

/// <summary>How far a download is: bytes so far (including a resumed part), total when the server says, speed and ETA.</summary>
public sealed record DownloadProgress(string FileName, long BytesDone, long? TotalBytes, double BytesPerSecond, bool Finished)
{
    public TimeSpan? Eta => TotalBytes is { } total && BytesPerSecond > 0
        ? TimeSpan.FromSeconds((total - BytesDone) / BytesPerSecond)
        : null;

    /// <summary>One status line, e.g. "cifar-10-binary.tar.gz  45.2/162.0 MB  3.1 MB/s  ETA 0:37".</summary>
    public override string ToString()
    {
        var size = TotalBytes is { } t ? $"{BytesDone / 1e6:N1}/{t / 1e6:N1} MB" : $"{BytesDone / 1e6:N1} MB";
        var eta = Finished ? "done" : Eta is { } e ? $"ETA {(int)e.TotalMinutes}:{e.Seconds:D2}" : "ETA ?";
        return $"{FileName}  {size}  {BytesPerSecond / 1e6:N1} MB/s  {eta}";
    }
}
