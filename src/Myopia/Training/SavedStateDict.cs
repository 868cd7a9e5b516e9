using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// Reads the state dict that TorchSharp's <c>Module.save(BinaryWriter)</c> writes: the entry count
/// (unsigned LEB128), then per entry the name (<see cref="BinaryWriter.Write(string)"/>) and the tensor
/// (dtype, rank and sizes in LEB128, then the raw data). Reading the names before loading lets a
/// checkpoint whose names changed be renamed instead of refused.
/// </summary>
public sealed class SavedStateDict : IDisposable
{
    private SavedStateDict(Dictionary<string, Tensor> entries) => Entries = entries;

    public Dictionary<string, Tensor> Entries { get; }

    public static SavedStateDict Read(BinaryReader reader)
    {
        var count = DecodeLeb128(reader);
        if (count is < 0 or > 1_000_000) throw new InvalidDataException($"implausible state-dict size {count}");
        var entries = new Dictionary<string, Tensor>();
        try
        {
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var tensor = TensorExtensionMethods.Load(reader);
                if (!entries.TryAdd(name, tensor))
                {
                    tensor.Dispose();
                    throw new InvalidDataException($"state dict names {name} twice");
                }
            }
        }
        catch
        {
            foreach (var t in entries.Values) t.Dispose();
            throw;
        }
        return new SavedStateDict(entries);
    }

    /// <summary>The same tensors under new names.</summary>
    public Dictionary<string, Tensor> Renamed(Func<string, string> rename) =>
        Entries.ToDictionary(e => rename(e.Key), e => e.Value);

    public void Dispose()
    {
        foreach (var t in Entries.Values) t.Dispose();
    }

    // TorchSharp's own LEB128 codec is internal.
    private static long DecodeLeb128(BinaryReader reader)
    {
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 63) throw new InvalidDataException("bad LEB128 length");
            long b = reader.ReadByte();
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }
}
