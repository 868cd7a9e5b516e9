using System.Buffers.Binary;
using System.IO.Compression;

namespace Myopia.Interop;

/// <summary>What a model file holds, as told by its bytes.</summary>
public enum ModelFileFormat
{
    Unknown,
    /// <summary>Myopia's own checkpoint (<c>myopia train</c>), starting with "MYOPIACK".</summary>
    MyopiaCheckpoint,
    /// <summary>A <c>torch.jit.save</c> archive: a zip with compiled code (<c>code/</c>, <c>constants.pkl</c>).</summary>
    TorchScript,
    /// <summary>A <c>torch.save</c> zip archive (PyTorch 1.6 and later): <c>data.pkl</c> plus tensor records.</summary>
    StateDictPickle,
    /// <summary>A safetensors file: an 8-byte little-endian header length, a JSON header, raw tensor bytes.</summary>
    Safetensors,
}

/// <summary>
/// Tells model files apart by content, never by extension: ".pt" is used by PyTorch for state_dicts,
/// whole pickled models and TorchScript alike, and by Myopia for its own checkpoints.
/// </summary>
public static class ModelFileKind
{
    private static readonly byte[] MyopiaMagic = "MYOPIACK"u8.ToArray();
    private static readonly byte[] ZipMagic = [0x50, 0x4b, 0x03, 0x04];

    public static ModelFileFormat Detect(string path)
    {
        RequireFile(path, "model file");
        var head = ReadHead(path, 9);
        if (head.AsSpan().StartsWith(MyopiaMagic)) return ModelFileFormat.MyopiaCheckpoint;
        if (head.AsSpan().StartsWith(ZipMagic)) return DetectZip(path);
        if (LooksLikeSafetensors(head, new FileInfo(path).Length)) return ModelFileFormat.Safetensors;
        return ModelFileFormat.Unknown;
    }

    /// <summary>The names of the entries of a zip archive, or null when it cannot be read (damaged or truncated).</summary>
    internal static IReadOnlyList<string>? ZipEntryNames(string path)
    {
        try
        {
            using var archive = ZipFile.OpenRead(path);
            return archive.Entries.Select(e => e.FullName).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return null;
        }
    }

    /// <summary>Entries sit under one folder named after the archive ("archive/", "model/", "resnet18/"...).</summary>
    internal static bool IsTorchScriptArchive(IEnumerable<string> entries) =>
        entries.Any(e => e.Contains("/code/") || e.EndsWith("/constants.pkl") || e == "constants.pkl");

    internal static bool IsTorchSaveArchive(IEnumerable<string> entries) =>
        entries.Any(e => e.EndsWith("/data.pkl") || e == "data.pkl");

    internal static void RequireFile(string path, string what)
    {
        if (Directory.Exists(path)) throw new MyopiaException($"{what} {path} is a folder, not a file");
        if (!File.Exists(path)) throw new MyopiaException($"{what} not found: {path}");
    }

    private static ModelFileFormat DetectZip(string path)
    {
        var entries = ZipEntryNames(path);
        if (entries is null) return ModelFileFormat.Unknown;
        if (IsTorchScriptArchive(entries)) return ModelFileFormat.TorchScript;
        return IsTorchSaveArchive(entries) ? ModelFileFormat.StateDictPickle : ModelFileFormat.Unknown;
    }

    /// <summary>The safetensors header must start with '{' and fit inside the file.</summary>
    private static bool LooksLikeSafetensors(byte[] head, long fileLength)
    {
        if (head.Length < 9) return false;
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return headerLength >= 2 && headerLength <= (ulong)(fileLength - 8) && head[8] == (byte)'{';
    }

    private static byte[] ReadHead(string path, int count)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[count];
        var read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        return buffer[..read];
    }
}
