namespace Myopia.Data.Formats;

/// <summary>
/// The record layout shared by CIFAR-10 and CIFAR-100 binaries: label byte(s), then 1024 red,
/// 1024 green, 1024 blue bytes (32x32 planes, row-major) - already our N x C x H x W order.
/// </summary>
internal static class CifarRecordReader
{
    public const int Side = 32;
    public const int PixelBytes = 3 * Side * Side;

    /// <summary>Decodes the records of several files, in order, into one split.</summary>
    public static DecodedImages Read(IReadOnlyList<(string Name, byte[] Bytes)> files, int labelBytes, int labelIndex, int classCount)
    {
        var recordBytes = labelBytes + PixelBytes;
        var total = 0;
        foreach (var (name, bytes) in files)
        {
            if (bytes.Length == 0 || bytes.Length % recordBytes != 0)
                throw new MyopiaException($"{name}: {bytes.Length:N0} bytes is not a whole number of {recordBytes}-byte records");
            total += bytes.Length / recordBytes;
        }
        // Each file fits in memory, but several together may not fit one split's array: say so before allocating.
        if ((long)total * PixelBytes > Array.MaxLength)
            throw new MyopiaException($"{string.Join(", ", files.Select(f => f.Name))}: {total:N0} records of 3x32x32 need {(long)total * PixelBytes / 1e9:N1} GB, more than one in-memory split can hold");
        var pixels = new byte[(long)total * PixelBytes];
        var labels = new int[total];
        var index = 0;
        foreach (var (name, bytes) in files)
            for (var offset = 0; offset < bytes.Length; offset += recordBytes, index++)
            {
                var label = bytes[offset + labelIndex];
                if (label >= classCount)
                    throw new MyopiaException($"{name}: record {offset / recordBytes} has label {label}, outside 0..{classCount - 1}");
                labels[index] = label;
                bytes.AsSpan(offset + labelBytes, PixelBytes).CopyTo(pixels.AsSpan(index * PixelBytes, PixelBytes));
            }
        return new DecodedImages(pixels, labels, 3, Side, Side);
    }
}
