using System.Text;
using Myopia.Models;
using Myopia.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// One checkpoint file: a header, the <see cref="CheckpointInfo"/> as JSON, the model's state
/// (parameters and persistent buffers, in TorchSharp's state-dict format) and, for resuming, the optimizer's state. Written atomically.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "checkpoint.pt";
    public const string BestFileName = "best.pt";
    private static readonly byte[] Magic = "MYOPIACK"u8.ToArray();
    private static readonly byte[] FooterMagic = "MYOPIEND"u8.ToArray();
    private const int FooterLength = 8 + 32;

    public static void Save(string path, CheckpointInfo info, nn.Module model, OptimizerHelper? optimizer)
    {
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            var json = Encoding.UTF8.GetBytes(JsonOutput.Serialize(info, indented: false));
            writer.Write(json.Length);
            writer.Write(json);
            model.save(writer);
            writer.Write(optimizer is not null);
            optimizer?.save_state_dict(writer);
            writer.Flush();
            // A footer with the SHA-256 of everything before it: a truncated or damaged file is refused on load.
            stream.Position = 0;
            var hash = System.Security.Cryptography.SHA256.HashData(stream);
            stream.Seek(0, SeekOrigin.End);
            writer.Write(FooterMagic);
            writer.Write(hash);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>Resolves a checkpoint path: the file itself, or a run folder containing checkpoint.pt.</summary>
    public static string Resolve(string pathOrRunFolder)
    {
        if (Directory.Exists(pathOrRunFolder))
        {
            var inside = Path.Combine(pathOrRunFolder, FileName);
            if (File.Exists(inside)) return inside;
            throw new MyopiaException($"no {FileName} in run folder {pathOrRunFolder}");
        }
        if (!File.Exists(pathOrRunFolder)) throw new MyopiaException($"checkpoint not found: {pathOrRunFolder}");
        return pathOrRunFolder;
    }

    /// <summary>True when the file starts like a Myopia checkpoint (its content, not its name, decides).</summary>
    public static bool IsCheckpoint(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[Magic.Length];
        return stream.Read(head) == head.Length && head.AsSpan().SequenceEqual(Magic);
    }

    public static CheckpointInfo ReadInfo(string path)
    {
        using var stream = File.OpenRead(Resolve(path));
        using var reader = new BinaryReader(stream);
        return ReadHeader(reader, path);
    }

    /// <summary>
    /// Loads the model (created from the registry by the name and options the checkpoint carries) and its
    /// info. Checkpoints of format 1 whose resnet/vgg parameters still have their old names are renamed.
    /// </summary>
    public static (CheckpointInfo Info, nn.Module<Tensor, Tensor> Model) Load(string path, OptimizerHelper? optimizerToRestore = null,
        nn.Module<Tensor, Tensor>? into = null)
    {
        path = Resolve(path);
        Verify(path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var info = ReadHeader(reader, path);
        var model = into ?? ModelRegistry.Create(info.Model, info.ToModelOptions());
        try
        {
            using (var saved = SavedStateDict.Read(reader))
                LoadState(info, saved, model, path);
            bool hasOptimizer = reader.ReadBoolean();
            if (optimizerToRestore is not null)
            {
                if (!hasOptimizer) throw new MyopiaException($"{path} holds no optimizer state, so training cannot resume from it");
                optimizerToRestore.load_state_dict(reader);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException)
        {
            if (into is null) model.Dispose();
            throw new MyopiaException($"{path} is corrupt or truncated ({e.Message})", e);
        }
        catch
        {
            if (into is null) model.Dispose();
            throw;
        }
        return (info, model);
    }

    private static void LoadState(CheckpointInfo info, SavedStateDict saved, nn.Module model, string path)
    {
        var wanted = model.state_dict().Keys.ToHashSet();
        if (!wanted.SetEquals(saved.Entries.Keys) && info.FormatVersion <= LegacyParameterNames.LastLegacyFormat
            && LegacyParameterNames.Covers(info.Model))
        {
            var renamed = saved.Renamed(k => LegacyParameterNames.Rename(info.Model, k));
            StateDictCopy.Copy(renamed, model, $"{path} (format {info.FormatVersion}, {info.Model} parameters renamed to torchvision's)");
            return;
        }
        StateDictCopy.Copy(saved.Entries, model, $"{path} ({info.Model})");
    }

    /// <summary>Checks the footer's hash against the file's content.</summary>
    public static void Verify(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length < Magic.Length + FooterLength)
            throw new MyopiaException($"{path} is truncated ({stream.Length} bytes)");
        var footer = new byte[FooterLength];
        stream.Seek(-FooterLength, SeekOrigin.End);
        stream.ReadExactly(footer);
        if (!footer.AsSpan(0, 8).SequenceEqual(FooterMagic))
            throw new MyopiaException($"{path} is truncated or not a complete Myopia checkpoint");
        stream.Position = 0;
        var hash = System.Security.Cryptography.SHA256.HashData(new BoundedStream(stream, stream.Length - FooterLength));
        if (!hash.AsSpan().SequenceEqual(footer.AsSpan(8)))
            throw new MyopiaException($"{path} is corrupt (checksum mismatch)");
    }

    /// <summary>Reads at most a given number of bytes of an underlying stream.</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private readonly long total = length;
        private long remaining = length;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, (int)Math.Min(count, remaining));
            remaining -= n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => total;
        public override long Position { get => total - remaining; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static CheckpointInfo ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new MyopiaException($"{path} is not a Myopia checkpoint");
            int length = reader.ReadInt32();
            if (length <= 0 || length > 64 << 20) throw new MyopiaException($"{path} is corrupt (bad header length)");
            var json = reader.ReadBytes(length);
            if (json.Length != length) throw new MyopiaException($"{path} is truncated");
            var info = JsonOutput.Deserialize<CheckpointInfo>(Encoding.UTF8.GetString(json));
            info.Validate(path);
            return info;
        }
        catch (Exception e) when (e is EndOfStreamException or System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new MyopiaException($"{path} is corrupt or truncated ({e.Message})", e);
        }
    }
}
