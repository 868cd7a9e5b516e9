using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Myopia.Tests.Data;

/// <summary>
/// Archives built to attack a reader: decompression bombs (runs of zeros that compress a
/// thousandfold, streamed so the test never holds them in memory) and hand-made entry lists
/// (a path that is both a file and a folder).
/// </summary>
public static class HostileArchives
{
    /// <summary>An entry: a file with its bytes, or a folder when <paramref name="Data"/> is null.</summary>
    public sealed record Entry(string Name, byte[]? Data);

    public static void Tar(string archive, IEnumerable<Entry> entries, bool gzip = true)
    {
        using var file = File.Create(archive);
        using var stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        using var tar = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var entry in entries)
            tar.WriteEntry(entry.Data == null
                ? new PaxTarEntry(TarEntryType.Directory, entry.Name)
                : new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(entry.Data) });
    }

    public static void Zip(string archive, IEnumerable<Entry> entries)
    {
        using var zip = ZipFile.Open(archive, ZipArchiveMode.Create);
        foreach (var entry in entries)
        {
            var zipEntry = zip.CreateEntry(entry.Data == null ? entry.Name.TrimEnd('/') + "/" : entry.Name);
            if (entry.Data == null) continue;
            using var stream = zipEntry.Open();
            stream.Write(entry.Data);
        }
    }

    /// <summary>A .tar.gz holding <paramref name="zeroBytes"/> zeros as <paramref name="entryName"/>, compressed while streaming.</summary>
    public static void TarGzOfZeros(string archive, string entryName, long zeroBytes)
    {
        using var file = File.Create(archive);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new ZeroStream(zeroBytes) });
    }

    public static void ZipOfZeros(string archive, string entryName, long zeroBytes)
    {
        using var zip = ZipFile.Open(archive, ZipArchiveMode.Create);
        using var stream = zip.CreateEntry(entryName, CompressionLevel.Fastest).Open();
        new ZeroStream(zeroBytes).CopyTo(stream);
    }

    /// <summary>
    /// A .tar.gz of one entry of <paramref name="zeroBytes"/> zeros, built in milliseconds whatever the size:
    /// a gzip member holding the tar header, then one small member of 64 MiB of zeros repeated
    /// (concatenated gzip members are one valid stream; the zeros after the header are the entry's
    /// data, its padding and the end-of-archive blocks alike).
    /// </summary>
    public static void ConcatenatedGzipOfZeros(string archive, string entryName, long zeroBytes)
    {
        const int Chunk = 64 << 20;
        var zerosMember = Gzip(new ZeroStream(Chunk));
        using var file = File.Create(archive);
        file.Write(Gzip(new MemoryStream(UstarHeader(entryName, zeroBytes))));
        for (long written = 0; written < zeroBytes + 512 + 1024; written += Chunk)
            file.Write(zerosMember);
    }

    private static byte[] Gzip(Stream content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            content.CopyTo(gzip);
        return output.ToArray();
    }

    /// <summary>A POSIX ustar header for a regular file (written by hand: TarWriter would also write the data).</summary>
    private static byte[] UstarHeader(string name, long size)
    {
        var header = new byte[512];
        void Field(int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        Field(0, name);
        Field(100, "0000644\0");
        Field(108, "0000000\0");
        Field(116, "0000000\0");
        Field(124, Convert.ToString(size, 8).PadLeft(11, '0') + "\0");
        Field(136, "00000000000\0");
        Field(148, "        ");
        header[156] = (byte)'0';
        Field(257, "ustar\0");
        Field(263, "00");
        var checksum = header.Sum(b => (int)b);
        Field(148, Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ");
        return header;
    }

    /// <summary>Flips one bit of the byte at <paramref name="offset"/> (negative: from the end).</summary>
    public static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset >= 0 ? offset : file.Length + offset;
        var b = file.ReadByte();
        file.Position--;
        file.WriteByte((byte)(b ^ 0x10));
    }

    /// <summary>Where <paramref name="marker"/> first occurs in a file, or -1.</summary>
    public static long IndexOf(string path, string marker) =>
        File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker));

    /// <summary>A seekable stream of zeros of a given length: TarWriter needs the length up front.</summary>
    public sealed class ZeroStream(long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, Math.Max(0, length - Position));
            Array.Clear(buffer, offset, n);
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => length + offset };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
