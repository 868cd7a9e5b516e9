using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Myopia.IO;
using static TorchSharp.torch;

namespace Myopia.Data.Cache;

/// <summary>
/// Decoded datasets stored as raw uint8 N x C x H x W tensors on disk, so images are decoded once.
/// A file is keyed by its source (path, size, time, format version; see <see cref="DatasetLoader"/>),
/// written atomically, and verified on every load (magic, version, key, exact length, trailer,
/// checksum over header and payload); a file failing any check is deleted and rebuilt, never trusted.
/// </summary>
/// <remarks>
/// Layout: "MYOPIADC", int32 version, int32 header length, UTF-8 JSON header, then per split the
/// pixels and int64 little-endian labels (train, test), then a uint64 checksum of everything before it and "MYOPIEND".
/// The header is inside the checksum because its values (normalization, class names, shapes) are
/// used as they are: an edited mean or a swapped class name would otherwise pass unnoticed.
/// </remarks>
public sealed class DatasetCache(string directory)
{
    // Version 2: the checksum also covers the magic, version and header (version 1 covered the payload only).
    public const int FormatVersion = 3;
    private static readonly byte[] Magic = "MYOPIADC"u8.ToArray();
    private static readonly byte[] EndMagic = "MYOPIEND"u8.ToArray();

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>$MYOPIA_CACHE, or ~/.cache/myopia.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("MYOPIA_CACHE");
            if (!string.IsNullOrWhiteSpace(env)) return env;
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "myopia");
        }
    }

    public static DatasetCache Default => new(DefaultDirectory);

    /// <summary>The cache file for a dataset name and source key.</summary>
    public string PathFor(string dataset, string key)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        return Path.Combine(Directory, $"{dataset}-{hash}.mdc");
    }

    public bool Contains(string dataset, string key) => File.Exists(PathFor(dataset, key));

    private sealed record SplitHeader(int Count, int Channels, int Height, int Width);

    private sealed record Header(string Key, string Dataset, string Format, List<string> ClassNames,
        SplitHeader Train, SplitHeader Test, float[] Mean, float[] Std, List<string>? ClassWords = null);

    /// <summary>Stores a decoded dataset with its train statistics; failures to write only log (the cache is an optimisation).</summary>
    public void Store(string dataset, string key, DecodedDataset data, Normalization statistics, Action<string>? log = null)
    {
        var path = PathFor(dataset, key);
        try
        {
            var header = new Header(key, dataset, data.Format, data.ClassNames.ToList(),
                Split(data.Train), Split(data.Test), statistics.Mean, statistics.Std, data.ClassWords?.ToList());
            var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, JsonOutput.Compact);
            AtomicFile.Write(path, temp =>
            {
                using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
                Span<byte> int32 = stackalloc byte[4];
                stream.Write(Magic);
                BinaryPrimitives.WriteInt32LittleEndian(int32, FormatVersion);
                stream.Write(int32);
                BinaryPrimitives.WriteInt32LittleEndian(int32, headerBytes.Length);
                stream.Write(int32);
                stream.Write(headerBytes);
                var checksum = new CacheChecksum();
                checksum.Add(Prefix(headerBytes.Length));
                checksum.Add(headerBytes);
                foreach (var split in new[] { data.Train, data.Test })
                {
                    checksum.Add(split.Pixels);
                    stream.Write(split.Pixels);
                    var labels = LabelBytes(split.Labels);
                    checksum.Add(labels);
                    stream.Write(labels);
                }
                Span<byte> trailer = stackalloc byte[16];
                BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum.Value);
                EndMagic.CopyTo(trailer[8..]);
                stream.Write(trailer);
            });
            log?.Invoke($"cached decoded tensors in {path} ({new FileInfo(path).Length / 1e6:N1} MB)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"could not write the cache file {path}: {e.Message} (continuing without cache)");
        }
    }

    /// <summary>The cached splits, or null when absent or when the file fails a check (it is then deleted).</summary>
    public (DatasetSplits Splits, string Format)? TryLoad(string dataset, string key, Action<string>? log = null)
    {
        var path = PathFor(dataset, key);
        if (!File.Exists(path)) return null;
        var clock = Stopwatch.StartNew();
        try
        {
            var result = Load(path, key);
            log?.Invoke($"loaded {dataset} from cache {path} in {clock.Elapsed.TotalSeconds:N2} s");
            return result;
        }
        catch (Exception e) when (e is CorruptCacheException or EndOfStreamException)
        {
            log?.Invoke($"cache file {path} is invalid ({e.Message}); rebuilding it");
            TryDelete(path);
            return null;
        }
    }

    private sealed class CorruptCacheException(string message) : Exception(message);

    private static (DatasetSplits, string) Load(string path, string key)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[16];
        if (fileLength < 32 || stream.ReadAtLeast(prefix, 16, throwOnEndOfStream: false) != 16)
            throw new CorruptCacheException("file too short");
        if (!prefix[..8].SequenceEqual(Magic)) throw new CorruptCacheException("bad magic");
        var version = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        if (version != FormatVersion) throw new CorruptCacheException($"format version {version}, expected {FormatVersion}");
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix[12..]);
        if (headerLength <= 0 || headerLength > fileLength - 32) throw new CorruptCacheException("bad header length");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(headerBytes, JsonOutput.Compact) ?? throw new CorruptCacheException("empty header");
        }
        catch (JsonException e)
        {
            throw new CorruptCacheException($"unreadable header: {e.Message}");
        }
        if (header.Key != key) throw new CorruptCacheException("written for another source");
        if (header.ClassNames is null || header.Train is null || header.Test is null || header.Mean is null || header.Std is null)
            throw new CorruptCacheException("incomplete header");
        var expected = 16L + headerLength + PayloadBytes(header.Train) + PayloadBytes(header.Test) + 16;
        if (fileLength != expected) throw new CorruptCacheException($"{fileLength:N0} bytes, expected {expected:N0}");

        var checksum = new CacheChecksum();
        checksum.Add(prefix);
        checksum.Add(headerBytes);
        var train = ReadSplit(stream, header.Dataset, header.Train, header.ClassNames, header.ClassWords, checksum);
        ImageDataset test;
        try
        {
            test = ReadSplit(stream, header.Dataset, header.Test, header.ClassNames, header.ClassWords, checksum);
        }
        catch
        {
            train.Dispose();
            throw;
        }
        Span<byte> trailer = stackalloc byte[16];
        stream.ReadExactly(trailer);
        if (!trailer[8..].SequenceEqual(EndMagic) || BinaryPrimitives.ReadUInt64LittleEndian(trailer) != checksum.Value)
        {
            train.Dispose();
            test.Dispose();
            throw new CorruptCacheException("checksum mismatch");
        }
        return (new DatasetSplits(train, test, new Normalization(header.Mean, header.Std)), header.Format);
    }

    private static ImageDataset ReadSplit(Stream stream, string name, SplitHeader split, List<string> classNames, List<string>? classWords, CacheChecksum checksum)
    {
        var images = empty([split.Count, split.Channels, split.Height, split.Width], ScalarType.Byte);
        var labels = empty([split.Count], ScalarType.Int64);
        try
        {
            var pixelSpan = TensorBytes.Span(images);
            stream.ReadExactly(pixelSpan);
            checksum.Add(pixelSpan);
            var labelSpan = TensorBytes.Span(labels);
            stream.ReadExactly(labelSpan);
            checksum.Add(labelSpan);
            // Labels outside the class range would crash training far from here; reject them now.
            if (split.Count > 0)
            {
                using var smallest = labels.min();
                using var largest = labels.max();
                if (smallest.item<long>() < 0 || largest.item<long>() >= classNames.Count)
                    throw new CorruptCacheException("label outside the class range");
            }
            return new ImageDataset(name, new Storage.TensorImageStore(images), labels, classNames, classWords: classWords?.Count == classNames.Count ? classWords : null);
        }
        catch
        {
            images.Dispose();
            labels.Dispose();
            throw;
        }
    }

    /// <summary>The 16 bytes before the header: magic, version, header length.</summary>
    private static byte[] Prefix(int headerLength)
    {
        var prefix = new byte[16];
        Magic.CopyTo(prefix, 0);
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(12), headerLength);
        return prefix;
    }

    private static SplitHeader Split(DecodedImages images) => new(images.Count, images.Channels, images.Height, images.Width);

    private static long PayloadBytes(SplitHeader s) =>
        s.Count < 0 || s.Channels <= 0 || s.Height < 0 || s.Width < 0
            ? throw new CorruptCacheException("impossible split shape")
            : (long)s.Count * s.Channels * s.Height * s.Width + 8L * s.Count;

    private static byte[] LabelBytes(int[] labels)
    {
        var bytes = new byte[labels.Length * 8];
        for (var i = 0; i < labels.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), labels[i]);
        return bytes;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
