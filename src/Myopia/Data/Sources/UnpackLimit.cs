namespace Myopia.Data.Sources;

/// <summary>
/// How many bytes an archive may unpack to before it is refused as a decompression bomb (a few
/// hundred KB of gzip can expand to terabytes of zeros). A known dataset has an expected size from
/// its catalogue entry, with room to spare; an unknown archive may grow to <see cref="MaxRatio"/>
/// times its own size, and always to <see cref="FloorBytes"/> (small archives of images barely compress).
/// </summary>
public sealed record UnpackLimit(long MaxBytes, string Why)
{
    public const int MaxRatio = 100;
    public const long FloorBytes = 1L << 30;

    public static UnpackLimit ForUnknownArchive(long archiveBytes) =>
        new(Math.Max(FloorBytes, MaxRatio * Math.Max(0, archiveBytes)), $"more than {MaxRatio}x the archive's size and more than 1 GB");

    /// <summary>The catalogue's expected size for <paramref name="info"/>, or the ratio rule when it has none.</summary>
    public static UnpackLimit For(DatasetInfo? info, long archiveBytes) =>
        info?.MaxUnpackedBytes is { } max
            ? new(max, $"more than any {info.Name} archive holds")
            : ForUnknownArchive(archiveBytes);

    public static UnpackLimit For(DatasetInfo? info, string archive) => For(info, new FileInfo(archive).Length);

    internal MyopiaException Exceeded(string archive) =>
        new($"{archive}: unpacks to more than {MaxBytes:N0} bytes ({Why}); refusing it as a likely decompression bomb");
}
