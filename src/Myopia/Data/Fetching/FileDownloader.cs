using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Myopia.Data.Fetching;

/// <summary>
/// Downloads one file to &lt;name&gt;.part, resuming an existing part with an HTTP Range request,
/// checks its MD5, and only then renames it to its final name. A file with the wrong MD5 is
/// deleted; an interrupted download keeps its .part so the next run resumes it.
/// </summary>
public sealed class FileDownloader(HttpClient client)
{
    private const int BufferSize = 1 << 20;

    public async Task<FetchedFile> DownloadAsync(RemoteFile file, string folder, Action<DownloadProgress>? progress, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(folder);
        var final = Path.Combine(folder, file.FileName);
        if (File.Exists(final))
        {
            var md5 = await Md5Async(final, cancel);
            if (Matches(md5, file.Md5))
                return new FetchedFile(final, md5, new FileInfo(final).Length, 0, Resumed: false, AlreadyPresent: true);
            File.Delete(final); // wrong content under the right name: fetch it again
        }

        var part = final + ".part";
        var (downloaded, resumed) = await TransferAsync(file, part, progress, cancel);
        var actual = await Md5Async(part, cancel);
        if (!Matches(actual, file.Md5))
        {
            File.Delete(part);
            throw new MyopiaException($"{file.FileName}: MD5 {actual} does not match the expected {file.Md5.ToLowerInvariant()}; the download was deleted (source: {file.Url})");
        }
        File.Move(part, final, overwrite: true);
        return new FetchedFile(final, actual, new FileInfo(final).Length, downloaded, resumed, AlreadyPresent: false);
    }

    private async Task<(long Downloaded, bool Resumed)> TransferAsync(RemoteFile file, string part, Action<DownloadProgress>? progress, CancellationToken cancel)
    {
        var existing = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
        if (existing > 0) request.Headers.Range = new RangeHeaderValue(existing, null);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new MyopiaException($"{file.Url}: {e.Message}", e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && existing > 0)
                return (0, true); // the part already holds the whole file; the MD5 check decides
            if (!response.IsSuccessStatusCode)
                throw new MyopiaException($"{file.Url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

            var resumed = response.StatusCode == HttpStatusCode.PartialContent && existing > 0;
            if (resumed && response.Content.Headers.ContentRange?.From is { } from && from != existing)
                throw new MyopiaException($"{file.Url}: server resumed at byte {from:N0}, not at {existing:N0}");
            if (!resumed) existing = 0; // the server ignored the Range: start over
            long? total = response.Content.Headers.ContentLength is { } length ? existing + length : null;

            await using var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
            await using var input = await response.Content.ReadAsStreamAsync(cancel);
            var buffer = new byte[BufferSize];
            var clock = Stopwatch.StartNew();
            long received = 0, lastReport = -1000;
            try
            {
                int n;
                while ((n = await input.ReadAsync(buffer, cancel)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel);
                    received += n;
                    if (progress != null && clock.ElapsedMilliseconds - lastReport >= 250)
                    {
                        lastReport = clock.ElapsedMilliseconds;
                        progress(new DownloadProgress(file.FileName, existing + received, total, received / Math.Max(1e-3, clock.Elapsed.TotalSeconds), false));
                    }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new MyopiaException($"{file.FileName}: download interrupted after {existing + received:N0} bytes ({e.Message}); run the same command again to resume", e);
            }
            progress?.Invoke(new DownloadProgress(file.FileName, existing + received, total, received / Math.Max(1e-3, clock.Elapsed.TotalSeconds), true));
            if (total is { } expected && existing + received != expected)
                throw new MyopiaException($"{file.FileName}: download ended after {existing + received:N0} of {expected:N0} bytes; run the same command again to resume");
            return (received, resumed);
        }
    }

    public static async Task<string> Md5Async(string path, CancellationToken cancel = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return Convert.ToHexString(await MD5.HashDataAsync(stream, cancel)).ToLowerInvariant();
    }

    private static bool Matches(string actual, string expected) => string.Equals(actual, expected.Trim(), StringComparison.OrdinalIgnoreCase);
}
