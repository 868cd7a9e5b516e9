using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Myopia.Tests.Infrastructure;

/// <summary>
/// Reads the .npy files that reference scripts write with <c>np.save</c>: little-endian float32,
/// C order (what <c>save_npy</c> in the helpers produces), versions 1 to 3 of the format.
/// </summary>
public static partial class NpyReader
{
    public static Tensor Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var magic = reader.ReadBytes(6);
        if (magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY") throw new InvalidDataException($"{path} is not a .npy file");
        var major = reader.ReadByte();
        reader.ReadByte();
        var headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        var header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{path}: only little-endian float32 in C order is read here, got {header.Trim()}");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = reader.ReadBytes(checked((int)(count * 4)));
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return tensor(values).reshape(shape);
    }

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
