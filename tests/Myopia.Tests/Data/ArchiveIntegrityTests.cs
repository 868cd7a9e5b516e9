using System.Diagnostics;
using System.IO.Compression;
using Myopia.Data;
using Myopia.Data.Cache;
using Myopia.Data.Fetching;
using Myopia.Data.Sources;
using Xunit.Abstractions;
using static Myopia.Tests.Data.HostileArchives;

namespace Myopia.Tests.Data;

/// <summary>Damaged and hostile archives: gzip checksums, paths that are both file and folder, decompression bombs.</summary>
public class ArchiveIntegrityTests(ITestOutputHelper output)
{
    private const string Marker = "NOTES-NOTES-NOTES-NOTES-NOTES";

    /// <summary>
    /// A two-class ImageFolder .tar.gz with a text file no reader wants. With stored (uncompressed)
    /// deflate blocks the text's bytes appear as they are in the archive, so a flip there changes one
    /// byte of content and nothing else: only the gzip CRC can notice it.
    /// </summary>
    private static string ImageFolderTarGz(TempFolder temp, CompressionLevel level)
    {
        var id = 0;
        foreach (var split in new[] { "train", "test" })
            foreach (var label in new[] { "a", "b" })
                OfficialFormatFiles.WriteBytes(temp[$"tree/data/{split}/{label}/0.png"], OfficialFormatFiles.Png(id++, 4, 4));
        OfficialFormatFiles.WriteText(temp["tree/data/notes.txt"], Marker);
        OfficialFormatFiles.TarGz(temp["tree"], temp["data.tar.gz"], level: level);
        return temp["data.tar.gz"];
    }

    private static LoadedDataset LoadImageFolder(TempFolder temp, string archive) =>
        DatasetCatalog.LoadWithSource("imagefolder", archive, cache: new DatasetCache(temp["cache"]));

    private static string[] CacheFiles(TempFolder temp) =>
        Directory.Exists(temp["cache"]) ? Directory.GetFiles(temp["cache"], "*.mdc") : [];

    [Fact]
    public void UndamagedArchiveLoadsAndIsCached()
    {
        using var temp = new TempFolder();
        using var loaded = LoadImageFolder(temp, ImageFolderTarGz(temp, CompressionLevel.NoCompression));
        Assert.Equal(2, loaded.Splits.Train.Count);
        Assert.Single(CacheFiles(temp));
    }

    [Fact]
    public void FlippedByteInTheCompressedBodyIsRefusedBeforeAnythingIsCached()
    {
        using var temp = new TempFolder();
        var archive = ImageFolderTarGz(temp, CompressionLevel.NoCompression);
        var at = IndexOf(archive, Marker);
        Assert.True(at > 0);
        FlipByte(archive, at + 3);
        var error = Assert.Throws<MyopiaException>(() => LoadImageFolder(temp, archive));
        Assert.StartsWith(archive + ": corrupt or truncated archive", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(CacheFiles(temp));
    }

    [Theory]
    [InlineData(-8)] // first byte of the CRC32
    [InlineData(-5)] // last byte of the CRC32
    [InlineData(-4)] // first byte of ISIZE, the length modulo 2^32
    public void FlippedByteInTheGzipTrailerIsRefusedBeforeAnythingIsCached(int offsetFromEnd)
    {
        using var temp = new TempFolder();
        var archive = ImageFolderTarGz(temp, CompressionLevel.Fastest);
        FlipByte(archive, offsetFromEnd);
        var error = Assert.Throws<MyopiaException>(() => LoadImageFolder(temp, archive));
        Assert.StartsWith(archive + ": corrupt or truncated archive", error.Message);
        Assert.Empty(CacheFiles(temp));
    }

    [Fact]
    public void FlippedCrcOfTheFirstOfTwoGzipMembersIsRefused()
    {
        using var temp = new TempFolder();
        var single = ImageFolderTarGz(temp, CompressionLevel.Fastest);
        // Re-pack the same tar as two gzip members (as pigz or a concatenating tool writes them).
        var tar = new MemoryStream();
        using (var gzip = new GZipStream(File.OpenRead(single), CompressionMode.Decompress)) gzip.CopyTo(tar);
        var bytes = tar.ToArray();
        var first = GzipMember(bytes[..(bytes.Length / 2)]);
        var archive = temp["two-members.tar.gz"];
        File.WriteAllBytes(archive, [.. first, .. GzipMember(bytes[(bytes.Length / 2)..])]);
        using (var whole = LoadImageFolder(temp, archive)) Assert.Equal(2, whole.Splits.Test.Count);
        Directory.Delete(temp["cache"], recursive: true);

        FlipByte(archive, first.Length - 8);
        var error = Assert.Throws<MyopiaException>(() => LoadImageFolder(temp, archive));
        Assert.StartsWith(archive + ": corrupt or truncated archive", error.Message);
        Assert.Empty(CacheFiles(temp));
    }

    private static byte[] GzipMember(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    [Fact]
    public void ZipEntryWithAFlippedByteIsRefusedBeforeAnythingIsCached()
    {
        using var temp = new TempFolder();
        // CIFAR-10 binaries carry no checksum of their own: only the zip's CRC32 can notice a flip.
        OfficialFormatFiles.WriteCifar10Binary(temp["tree/cifar-10-batches-bin"], perTrainBatch: 2, testCount: 2);
        var archive = temp["cifar-10.zip"];
        ZipFile.CreateFromDirectory(temp["tree"], archive, CompressionLevel.NoCompression, includeBaseDirectory: false);
        using (var whole = DatasetCatalog.LoadWithSource("cifar10", archive, cache: new DatasetCache(temp["cache"]))) Assert.Equal(10, whole.Splits.Train.Count);
        Directory.Delete(temp["cache"], recursive: true);

        var batch = File.ReadAllBytes(temp["tree/cifar-10-batches-bin/data_batch_1.bin"]);
        var at = File.ReadAllBytes(archive).AsSpan().IndexOf(batch.AsSpan(0, 600));
        Assert.True(at > 0);
        FlipByte(archive, at + 500);
        var error = Assert.Throws<MyopiaException>(() => DatasetCatalog.LoadWithSource("cifar10", archive, cache: new DatasetCache(temp["cache"])));
        Assert.StartsWith(archive + ": corrupt or truncated archive", error.Message);
        Assert.Empty(CacheFiles(temp));

        var extract = Assert.Throws<MyopiaException>(() => SafeExtractor.Extract(archive, temp["dest"]));
        Assert.StartsWith("cifar-10.zip: corrupt archive", extract.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp["dest"]));
    }

    [Fact]
    public void ExtractingAnArchiveWithAFlippedByteIsRefusedAndLeavesNothing()
    {
        using var temp = new TempFolder();
        var archive = ImageFolderTarGz(temp, CompressionLevel.NoCompression);
        FlipByte(archive, IndexOf(archive, Marker) + 3);
        var error = Assert.Throws<MyopiaException>(() => SafeExtractor.Extract(archive, temp["dest"]));
        Assert.StartsWith("data.tar.gz: corrupt archive", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp["dest"]));
    }

    // ---- a path that is both a file and a folder ----

    private static IEnumerable<Entry> ClashingEntries(bool fileFirst)
    {
        var id = 0;
        var images = new[] { "data/train/dog/0.png", "data/test/cat/0.png", "data/test/dog/0.png" }
            .Select(n => new Entry(n, OfficialFormatFiles.Png(id++, 4, 4))).ToList();
        var file = new Entry("data/train/cat", "not a folder"u8.ToArray());
        var inside = new Entry("data/train/cat/0.png", OfficialFormatFiles.Png(9, 4, 4));
        return fileFirst ? [.. images, file, inside] : [.. images, inside, file];
    }

    [Theory]
    [InlineData("tar.gz", true)]
    [InlineData("tar.gz", false)]
    [InlineData("zip", true)]
    [InlineData("zip", false)]
    public void PathThatIsBothAFileAndAFolderIsRefusedWhenReadAndWhenExtracted(string kind, bool fileFirst)
    {
        using var temp = new TempFolder();
        var archive = temp["clash." + kind];
        if (kind == "zip") Zip(archive, ClashingEntries(fileFirst));
        else Tar(archive, ClashingEntries(fileFirst));

        var read = Assert.Throws<MyopiaException>(() => LoadImageFolder(temp, archive));
        Assert.Equal($"{archive}: 'data/train/cat' is both a file and a folder in this archive; refusing it (repack it without the clash)", read.Message);
        Assert.Empty(CacheFiles(temp));

        var extract = Assert.Throws<MyopiaException>(() => SafeExtractor.Extract(archive, temp["dest"]));
        Assert.StartsWith($"clash.{kind}: 'data/train/cat' is both a file and a folder", extract.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp["dest"]));
    }

    // ---- decompression bombs ----

    private const long ZeroBytes = 64L << 20;
    private static readonly UnpackLimit TestLimit = new(16_000_000, "a limit lowered for the test");

    [Theory]
    [InlineData("tar.gz", false)] // skipped entry: the decompressed bytes are counted as they stream past
    [InlineData("tar.gz", true)]  // wanted entry: its declared size is refused before the buffer exists
    [InlineData("zip", true)]    // (a zip entry no reader wants is never decompressed at all)
    public void ReadingStopsAtTheUnpackLimit(string kind, bool wanted)
    {
        using var temp = new TempFolder();
        var archive = temp["bomb." + kind];
        if (kind == "zip") ZipOfZeros(archive, "blob.bin", ZeroBytes);
        else TarGzOfZeros(archive, "blob.bin", ZeroBytes);
        Assert.True(new FileInfo(archive).Length < ZeroBytes / 100);
        var error = Assert.Throws<MyopiaException>(() => new ArchiveTree(archive, TestLimit).Read(_ => wanted));
        Assert.Equal($"{Path.GetFullPath(archive)}: unpacks to more than 16,000,000 bytes (a limit lowered for the test); refusing it as a likely decompression bomb", error.Message);
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("zip")]
    public void ExtractionStopsAtTheUnpackLimitAndLeavesNothing(string kind)
    {
        using var temp = new TempFolder();
        var archive = temp["bomb." + kind];
        if (kind == "zip") ZipOfZeros(archive, "blob.bin", ZeroBytes);
        else TarGzOfZeros(archive, "blob.bin", ZeroBytes);
        var error = Assert.Throws<MyopiaException>(() => SafeExtractor.Extract(archive, temp["dest"], TestLimit));
        Assert.StartsWith($"bomb.{kind}: unpacks to more than 16,000,000 bytes", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp["dest"]));
    }

    [Fact]
    public void BelowTheLimitTheSameArchiveExtracts()
    {
        using var temp = new TempFolder();
        TarGzOfZeros(temp["zeros.tar.gz"], "blob.bin", 1 << 20);
        Assert.Equal(["blob.bin"], SafeExtractor.Extract(temp["zeros.tar.gz"], temp["dest"], TestLimit));
        Assert.Equal(1 << 20, new FileInfo(temp["dest/blob.bin"]).Length);
    }

    [Fact]
    public void DefaultRatioLimitStopsAGigabyteBombOfAnUnknownDataset()
    {
        using var temp = new TempFolder();
        var archive = temp["huge.tar.gz"];
        ConcatenatedGzipOfZeros(archive, "data/blob.bin", (1L << 30) + (100L << 20));
        output.WriteLine($"{new FileInfo(archive).Length:N0} bytes of gzip");
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<MyopiaException>(() => LoadImageFolder(temp, archive));
        output.WriteLine($"refused after {clock.Elapsed.TotalSeconds:N2} s");
        Assert.Equal($"{archive}: unpacks to more than {UnpackLimit.FloorBytes:N0} bytes (more than 100x the archive's size and more than 1 GB); refusing it as a likely decompression bomb",
            error.Message);
    }

    [Fact]
    public void KnownDatasetsHaveTheirOwnLimitAndOthersTheRatioRule()
    {
        Assert.Equal(1_000_000_000, UnpackLimit.For(DatasetCatalog.Get("cifar10"), 19_000_000).MaxBytes);
        Assert.All(DatasetCatalog.All.Where(d => d.Downloads.Count > 0), d => Assert.NotNull(d.MaxUnpackedBytes));
        Assert.Equal(UnpackLimit.FloorBytes, UnpackLimit.For(DatasetCatalog.Get("imagefolder"), 1_000_000).MaxBytes);
        Assert.Equal(100L * 50_000_000, UnpackLimit.For(DatasetCatalog.Get("imagefolder"), 50_000_000).MaxBytes);
    }
}
