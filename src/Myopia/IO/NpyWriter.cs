using System.Text;

namespace Myopia.IO;

/// <summary>Writes arrays in NumPy's .npy format (version 1.0, little-endian, C order) for reuse in Python.</summary>
public static class NpyWriter
{
    public static void Write(string path, float[] data, params int[] shape) => Write(path, "<f4", shape, data.Length, w => { foreach (var v in data) w.Write(v); });

    public static void Write(string path, int[] data, params int[] shape) => Write(path, "<i4", shape, data.Length, w => { foreach (var v in data) w.Write(v); });

    public static void Write(string path, long[] data, params int[] shape) =>
        Write(path, "<i8", shape.Length == 0 ? [data.Length] : shape, data.Length, w => { foreach (var v in data) w.Write(v); });

    private static void Write(string path, string dtype, int[] shape, int length, Action<BinaryWriter> body)
    {
        if (shape.Aggregate(1L, (a, b) => a * b) != length)
            throw new ArgumentException($"shape {string.Join("x", shape)} does not hold {length} values");
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        AtomicFile.Write(path, temp =>
        {
            using var w = new BinaryWriter(File.Create(temp));
            w.Write((byte)0x93);
            w.Write("NUMPY"u8);
            w.Write((byte)1);
            w.Write((byte)0);
            w.Write((ushort)header.Length);
            w.Write(Encoding.ASCII.GetBytes(header));
            body(w);
        });
    }
}
