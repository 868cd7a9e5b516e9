using System.Security.Cryptography;
using System.Text;
using Myopia.Reporting;
using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>
/// Decoded datasets cached on disk as raw uint8 N x C x H x W tensors, keyed by the source (reader,
/// full path, size, modification time), so decoding 60,000 JPEGs happens once and later loads take
/// a fraction of a second. Written atomically; a file whose length does not match its header is
/// treated as absent and rebuilt. Location: $MYOPIA_CACHE, else ~/.cache/myopia.
/// </summary>
public static class DatasetCache
{
    private const int Version = 1;
    private static readonly byte[] Magic = "MYOPIADS"u8.ToArray();

    public static string Folder =>
        Environment.GetEnvironmentVariable("MYOPIA_CACHE") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "myopia");

    /// <summary>The cache key of a source file or folder, for a given reader.</summary>
    public static string Key(string reader, string source)
    {
        var full = Path.GetFullPath(source);
        string stamp = File.Exists(full)
            ? $"{new FileInfo(full).Length}|{File.GetLastWriteTimeUtc(full).Ticks}"
            : Directory.Exists(full)
                ? string.Join(";", Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal)
                    .Select(e => $"{Path.GetFileName(e)}:{(File.Exists(e) ? new FileInfo(e).Length : 0)}:{File.GetLastWriteTimeUtc(e).Ticks}"))
                : throw new MyopiaException($"not found: {source}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"v{Version}|{reader}|{full}|{stamp}"));
        return $"{reader}-{Convert.ToHexString(hash)[..16].ToLowerInvariant()}";
    }

    public static string PathOf(string key) => Path.Combine(Folder, key + ".myds");

    /// <summary>Returns the cached splits for <paramref name="key"/>, or builds, stores and returns them.</summary>
    public static (ImageDataset Train, ImageDataset Test) GetOrCreate(string key, Func<(ImageDataset Train, ImageDataset Test)> build, Action<string>? log = null)
    {
        var path = PathOf(key);
        if (TryRead(path) is { } cached) return cached;
        var built = build();
        try
        {
            Write(path, built.Train, built.Test);
        }
        catch (IOException e)
        {
            log?.Invoke($"warning: could not write the dataset cache {path}: {e.Message}");
        }
        return built;
    }

    private sealed record Header(string TrainName, string TestName, string[] ClassNames, long[] TrainShape, long[] TestShape);

    private static void Write(string path, ImageDataset train, ImageDataset test)
    {
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            writer.Write(Version);
            var header = Encoding.UTF8.GetBytes(JsonOutput.Serialize(new Header(train.Name, test.Name, [.. train.ClassNames], train.Images.shape, test.Images.shape), indented: false));
            writer.Write(header.Length);
            writer.Write(header);
            foreach (var split in new[] { train, test })
            {
                writer.Write(split.Images.contiguous().data<byte>().ToArray());
                foreach (var label in split.Labels.data<long>().ToArray()) writer.Write(label);
            }
        });
    }

    private static (ImageDataset, ImageDataset)? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 16 || !bytes.AsSpan(0, 8).SequenceEqual(Magic) || BitConverter.ToInt32(bytes, 8) != Version) return null;
            int headerLength = BitConverter.ToInt32(bytes, 12);
            if (headerLength <= 0 || 16 + headerLength > bytes.Length) return null;
            var header = JsonOutput.Deserialize<Header>(Encoding.UTF8.GetString(bytes, 16, headerLength));
            long offset = 16 + headerLength;
            long Size(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);
            long expected = offset + Size(header.TrainShape) + 8 * header.TrainShape[0] + Size(header.TestShape) + 8 * header.TestShape[0];
            if (bytes.Length != expected) return null; // truncated or stale: rebuild
            ImageDataset Split(string name, long[] shape)
            {
                long n = Size(shape);
                var images = tensor(bytes.AsSpan((int)offset, (int)n).ToArray()).view(shape);
                offset += n;
                var labels = new long[shape[0]];
                Buffer.BlockCopy(bytes, (int)offset, labels, 0, labels.Length * 8);
                offset += labels.Length * 8;
                return new ImageDataset(name, images, tensor(labels), header.ClassNames);
            }
            var train = Split(header.TrainName, header.TrainShape);
            var test = Split(header.TestName, header.TestShape);
            return (train, test);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or MyopiaException or ArgumentException)
        {
            return null;
        }
    }
}
