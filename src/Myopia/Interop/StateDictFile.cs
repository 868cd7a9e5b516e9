using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Myopia.Interop;

/// <summary>
/// Reads a PyTorch state_dict from a <c>torch.save</c> file (.pt/.pth, the zip format of PyTorch 1.6
/// and later) or a <c>.safetensors</c> file, told apart by content. A training checkpoint that wraps
/// the state_dict under "state_dict", "model_state_dict" or "model" is unwrapped, and the "module."
/// prefix of DataParallel models is removed; both are reported in <see cref="StateDict.Notes"/>.
/// </summary>
public static class StateDictFile
{
    /// <summary>Where training scripts commonly keep the weights inside a checkpoint dictionary, most specific first.</summary>
    private static readonly string[] WrapperKeys = ["state_dict", "model_state_dict", "model"];
    private const string DataParallelPrefix = "module.";

    public static StateDict Read(string path)
    {
        ModelFileKind.RequireFile(path, "state_dict file");
        var notes = new List<string>();
        var tensors = ModelFileKind.Detect(path) switch
        {
            ModelFileFormat.StateDictPickle => ReadPickle(path, notes),
            ModelFileFormat.Safetensors => ReadSafetensors(path),
            ModelFileFormat.TorchScript => throw new MyopiaException(
                $"{path} is a TorchScript archive (torch.jit.save), not a state_dict: load it as TorchScript instead"),
            ModelFileFormat.MyopiaCheckpoint => throw new MyopiaException(
                $"{path} is a Myopia checkpoint, not a PyTorch state_dict"),
            _ => throw new MyopiaException(WhyUnreadable(path)),
        };
        StripDataParallelPrefix(tensors, notes);
        return new StateDict(path, tensors, notes);
    }

    private static OrderedDictionary<string, Tensor> ReadPickle(string path, List<string> notes)
    {
        Hashtable top;
        try
        {
            using var stream = File.OpenRead(path);
            top = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        catch (Exception e) when (e is not MyopiaException)
        {
            throw new MyopiaException($"cannot read {path} as a PyTorch state_dict: {OneLine(e.Message)}", e);
        }

        var stateDict = FindStateDict(top, path, notes);
        var names = stateDict.Keys.OfType<string>().Where(k => stateDict[k] is Tensor).ToList();
        var ignored = stateDict.Count - names.Count;
        if (ignored > 0) notes.Add($"ignored {ignored} entries of {path} that are not tensors");
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var name in InPickleOrder(path, names)) result.Add(name, (Tensor)stateDict[name]!);
        return result;
    }

    private static Hashtable FindStateDict(Hashtable top, string path, List<string> notes)
    {
        if (HoldsTensors(top)) return top;
        foreach (var key in WrapperKeys)
        {
            if (top[key] is Hashtable inner && HoldsTensors(inner))
            {
                notes.Add($"read the state_dict stored under '{key}' of the checkpoint dictionary in {path}");
                return inner;
            }
        }
        var keys = string.Join(", ", top.Keys.OfType<object>().Select(k => $"'{k}'").Order().Take(8));
        throw new MyopiaException(
            $"{path} holds no state_dict: its dictionary has no tensors and none under {string.Join("/", WrapperKeys)} (its keys: {keys})");
    }

    private static bool HoldsTensors(Hashtable table) => table.Values.OfType<Tensor>().Any();

    /// <summary>
    /// PyBridge returns a Hashtable, which forgets the order of the state_dict. torch.save pickles
    /// the keys in order, each the first time as a literal string, so the position of each key's
    /// string in data.pkl gives the order back (protocol 2 uses BINUNICODE 'X', protocol 4+ may
    /// use SHORT_BINUNICODE 0x8c). Keys not found keep name order at the end.
    /// </summary>
    private static IEnumerable<string> InPickleOrder(string path, IReadOnlyList<string> names)
    {
        byte[] pickle;
        using (var archive = ZipFile.OpenRead(path))
        {
            var entry = archive.Entries.First(e => e.FullName.EndsWith("data.pkl"));
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            pickle = buffer.ToArray();
        }
        return names.OrderBy(name => PositionOf(pickle, name)).ThenBy(name => name, StringComparer.Ordinal);
    }

    private static int PositionOf(byte[] pickle, string name)
    {
        var utf8 = Encoding.UTF8.GetBytes(name);
        var binUnicode = new byte[5 + utf8.Length];
        binUnicode[0] = (byte)'X';
        BinaryPrimitives.WriteInt32LittleEndian(binUnicode.AsSpan(1), utf8.Length);
        utf8.CopyTo(binUnicode, 5);
        var position = pickle.AsSpan().IndexOf(binUnicode);
        if (position >= 0) return position;
        if (utf8.Length < 256)
        {
            byte[] shortBinUnicode = [0x8c, (byte)utf8.Length, .. utf8];
            position = pickle.AsSpan().IndexOf(shortBinUnicode);
        }
        return position >= 0 ? position : int.MaxValue;
    }

    private static OrderedDictionary<string, Tensor> ReadSafetensors(string path)
    {
        RequireCompleteSafetensors(path);
        try
        {
            var read = Safetensors.LoadStateDict(path);
            var result = new OrderedDictionary<string, Tensor>();
            foreach (var (name, tensor) in read) result.Add(name, tensor);
            return result;
        }
        catch (Exception e) when (e is not MyopiaException)
        {
            throw new MyopiaException($"cannot read {path} as a safetensors file: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// PyBridge reads the header without checking it against the file's length; a truncated file
    /// is caught here, before any tensor is allocated, with a message that says so.
    /// </summary>
    private static void RequireCompleteSafetensors(string path)
    {
        var length = new FileInfo(path).Length;
        using var stream = File.OpenRead(path);
        var size = new byte[8];
        stream.ReadExactly(size);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(size);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataEnd;
        try
        {
            using var json = JsonDocument.Parse(header);
            dataEnd = json.RootElement.EnumerateObject()
                .Where(p => p.Name != "__metadata__")
                .Select(p => p.Value.GetProperty("data_offsets")[1].GetInt64())
                .DefaultIfEmpty(0)
                .Max();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new MyopiaException($"cannot read {path} as a safetensors file: its header is not valid ({OneLine(e.Message)})", e);
        }
        var available = length - 8 - headerLength;
        if (dataEnd > available)
            throw new MyopiaException($"{path} is truncated: its header lists {dataEnd} bytes of tensors but the file holds {available}");
    }

    private static string WhyUnreadable(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[4];
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (read == 0) return $"{path} is empty";
        if (read == 4 && head is [0x50, 0x4b, 0x03, 0x04])
            return ModelFileKind.ZipEntryNames(path) is null
                ? $"{path} is a damaged or truncated zip archive (an incomplete download or copy?)"
                : $"{path} is a zip archive without data.pkl: not a torch.save file";
        // Pickle protocol 2 starts with PROTO 0x80 0x02: PyTorch's pre-1.6 ("legacy") torch.save format.
        if (read >= 2 && head[0] == 0x80)
            return $"{path} was saved in PyTorch's legacy (pre-1.6) format, which cannot be read here; re-save it with a recent torch.save";
        return $"{path} is neither a PyTorch state_dict (torch.save zip) nor a safetensors file";
    }

    private static void StripDataParallelPrefix(OrderedDictionary<string, Tensor> tensors, List<string> notes)
    {
        if (tensors.Count == 0 || !tensors.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal))) return;
        var renamed = tensors.Select(p => (p.Key[DataParallelPrefix.Length..], p.Value)).ToList();
        tensors.Clear();
        foreach (var (name, tensor) in renamed) tensors.Add(name, tensor);
        notes.Add($"removed the '{DataParallelPrefix}' prefix that torch.nn.DataParallel adds to every name");
    }

    internal static string OneLine(string message) => message.Split('\n')[0].Trim();
}
