using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Myopia.Tests.Data;

/// <summary>
/// A tiny HTTP file server on 127.0.0.1 for fetch tests: serves byte arrays by path, honours
/// "Range: bytes=N-" with 206 Partial Content, and records every request and how many bytes it sent.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private readonly Task loop;

    public LocalHttpServer()
    {
        // Find a free port, then listen on it (HttpListener cannot pick one itself).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(Serve);
    }

    public int Port { get; }
    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>(path, Range header or null, status, bytes sent) of every request, in order.</summary>
    public ConcurrentQueue<(string Path, string? Range, int Status, long BytesSent)> Requests { get; } = new();

    public void Serve(string path, byte[] content)
    {
        lock (files) files["/" + path.TrimStart('/')] = content;
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            Respond(context);
        }
    }

    private void Respond(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var range = context.Request.Headers["Range"];
        byte[]? content;
        lock (files) files.TryGetValue(path, out content);
        var response = context.Response;
        long sent = 0;
        try
        {
            if (content == null)
            {
                response.StatusCode = 404;
                return;
            }
            long start = 0;
            if (range is { } r && r.StartsWith("bytes=") && r.EndsWith('-') && long.TryParse(r[6..^1], out var from))
            {
                if (from >= content.Length)
                {
                    response.StatusCode = 416;
                    response.AddHeader("Content-Range", $"bytes */{content.Length}");
                    return;
                }
                start = from;
                response.StatusCode = 206;
                response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
            }
            response.ContentLength64 = content.Length - start;
            response.OutputStream.Write(content, (int)start, (int)(content.Length - start));
            sent = content.Length - start;
        }
        finally
        {
            Requests.Enqueue((path, range, response.StatusCode, sent));
            response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(2)); }
        catch (AggregateException) { }
    }
}
