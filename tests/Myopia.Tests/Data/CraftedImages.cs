using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Myopia.Tests.Data;

/// <summary>Image files whose headers lie about their size: a few hundred bytes claiming gigapixels.</summary>
public static class CraftedImages
{
    /// <summary>A well-formed PNG (valid chunk CRCs) whose IHDR claims <paramref name="width"/> x <paramref name="height"/> RGB pixels.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
            zlib.Write(new byte[64]); // the start of the first row: the rest is never there
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A real JPEG with its start-of-frame rewritten to claim another size.</summary>
    public static byte[] JpegClaiming(byte[] jpeg, int width, int height)
    {
        var bytes = (byte[])jpeg.Clone();
        for (var i = 2; i + 9 < bytes.Length; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                // FF Cn, length (2), precision (1), height (2), width (2)
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)width);
                return bytes;
            }
        throw new InvalidOperationException("no start-of-frame marker in the JPEG");
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> int32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(int32, data.Length);
        png.Write(int32);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(int32, Crc32(typed));
        png.Write(int32);
    }

    /// <summary>The CRC-32 of PNG chunks and gzip trailers (reflected polynomial 0xEDB88320), bit by bit: test data is tiny.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
