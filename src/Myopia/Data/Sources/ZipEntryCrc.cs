namespace Myopia.Data.Sources;

/// <summary>
/// CRC-32 (the reflected polynomial 0xEDB88320 of zip and gzip), slicing by eight bytes at a time.
/// ZipArchive hands out an entry's bytes without comparing them with the CRC32 the archive records,
/// so a flipped byte in a format without its own checksum (CIFAR binaries, IDX) would be decoded and
/// cached; zip readers check it here. (gzip members are checked by zlib itself.)
/// </summary>
internal sealed class ZipEntryCrc
{
    private static readonly uint[][] Tables = BuildTables();
    private uint state = 0xFFFFFFFFu;

    public uint Value => ~state;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = state;
        var t = Tables;
        while (data.Length >= 8)
        {
            var low = crc ^ (uint)(data[0] | data[1] << 8 | data[2] << 16 | data[3] << 24);
            crc = t[7][low & 0xFF] ^ t[6][(low >> 8) & 0xFF] ^ t[5][(low >> 16) & 0xFF] ^ t[4][low >> 24]
                  ^ t[3][data[4]] ^ t[2][data[5]] ^ t[1][data[6]] ^ t[0][data[7]];
            data = data[8..];
        }
        foreach (var b in data) crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        state = crc;
    }

    /// <summary>Refuses bytes whose CRC32 differs from the one the archive records for <paramref name="entry"/>.</summary>
    public static void Verify(uint recorded, ReadOnlySpan<byte> bytes, string entry)
    {
        var crc = new ZipEntryCrc();
        crc.Append(bytes);
        crc.VerifyEqual(recorded, entry);
    }

    public void VerifyEqual(uint recorded, string entry)
    {
        // InvalidDataException, like the decompressor's own errors: callers word it as a corrupt archive.
        if (Value != recorded)
            throw new InvalidDataException($"{entry}: CRC32 {Value:x8} does not match the {recorded:x8} the archive records");
    }

    private static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        tables[0] = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            tables[0][i] = c;
        }
        for (var s = 1; s < 8; s++)
        {
            tables[s] = new uint[256];
            for (var i = 0; i < 256; i++) tables[s][i] = (tables[s - 1][i] >> 8) ^ tables[0][tables[s - 1][i] & 0xFF];
        }
        return tables;
    }
}
