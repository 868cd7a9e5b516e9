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
    private const int Version = 2;
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
    public static DatasetSplits GetOrCreate(string key, Func<(ImageDataset Train, ImageDataset Test)> build, Action<string>? log = null)
    {
        var path = PathOf(key);
        if (TryRead(path) is { } cached) return cached;
        var (train, test) = build();
        var built = new DatasetSplits(train, test, DatasetStatistics.Normalization(train));
        try
        {
            Write(path, built);
        }
        catch (IOException e)
        {
            log?.Invoke($"warning: could not write the dataset cache {path}: {e.Message}");
        }
        return built;
    }

    // The train split's normalization is stored too: computing it over 50,000 images costs more than reading them.
    private sealed record Header(string TrainName, string TestName, string[] ClassNames, long[] TrainShape, long[] TestShape, Normalization Normalization);

    private static void Write(string path, DatasetSplits splits)
    {
        var (train, test) = (splits.Train, splits.Test);
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            writer.Write(Version);
            var header = Encoding.UTF8.GetBytes(JsonOutput.Serialize(new Header(train.Name, test.Name, [.. train.ClassNames], train.Images.shape, test.Images.shape, splits.Normalization), indented: false));
            writer.Write(header.Length);
            writer.Write(header);
            foreach (var split in new[] { train, test })
            {
                using var images = split.Images.contiguous();
                using var labels = split.Labels.contiguous();
                writer.Write(images.bytes);
                writer.Write(labels.bytes);
            }
        });
    }

    private static DatasetSplits? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (stream.Length < 16 || !reader.ReadBytes(8).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != Version) return null;
            int headerLength = reader.ReadInt32();
            if (headerLength <= 0 || 16 + headerLength > stream.Length) return null;
            var header = JsonOutput.Deserialize<Header>(Encoding.UTF8.GetString(reader.ReadBytes(headerLength)));
            static long Size(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);
            long expected = 16 + headerLength + Size(header.TrainShape) + 8 * header.TrainShape[0] + Size(header.TestShape) + 8 * header.TestShape[0];
            if (stream.Length != expected) return null; // truncated or stale: rebuild
            ImageDataset Split(string name, long[] shape)
            {
                // Read straight into the tensors' memory: no intermediate copies of a 150 MB split.
                var images = empty(shape, ScalarType.Byte);
                stream.ReadExactly(images.bytes);
                var labels = empty(shape[0], ScalarType.Int64);
                stream.ReadExactly(labels.bytes);
                return new ImageDataset(name, images, labels, header.ClassNames);
            }
            var train = Split(header.TrainName, header.TrainShape);
            var test = Split(header.TestName, header.TestShape);
            return new DatasetSplits(train, test, header.Normalization);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or MyopiaException or ArgumentException)
        {
            return null;
        }
    }
}
