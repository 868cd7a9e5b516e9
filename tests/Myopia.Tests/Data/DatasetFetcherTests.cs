using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Myopia.Data;
using Myopia.Data.Cache;
using Myopia.Data.Fetching;

namespace Myopia.Tests.Data;

public class DatasetFetcherTests
{
    private static string Md5(byte[] bytes) => Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant();

    /// <summary>A .tar.gz with the given (name, content) entries, names written verbatim (even hostile ones).</summary>
    private static byte[] TarGz(params (string Name, byte[] Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var (name, content) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        return memory.ToArray();
    }

    /// <summary>A real (tiny) CIFAR-10 binary release packed like the official archive.</summary>
    private static byte[] TinyCifar10Archive()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp["src/cifar-10-batches-bin"], perTrainBatch: 2, testCount: 2);
        OfficialFormatFiles.TarGz(temp["src"], temp["a.tar.gz"]);
        return File.ReadAllBytes(temp["a.tar.gz"]);
    }

    [Fact]
    public void FetchDownloadsVerifiesExtractsAndTheDatasetLoads()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        var archive = TinyCifar10Archive();
        server.Serve("cifar-10-binary.tar.gz", archive);
        var progress = new List<DownloadProgress>();

        var result = new DatasetFetcher().Fetch(DatasetCatalog.Get("cifar10"), temp["dest"],
            url: server.Url("cifar-10-binary.tar.gz"), md5: Md5(archive), progress: progress.Add);

        var file = Assert.Single(result.Files);
        Assert.Equal(archive.Length, file.Bytes);
        Assert.False(file.Resumed);
        Assert.Contains("cifar-10-batches-bin/data_batch_1.bin", result.ExtractedEntries);
        Assert.True(File.Exists(temp["dest/cifar-10-batches-bin/test_batch.bin"]));
        Assert.True(progress.Last().Finished);
        Assert.Equal(archive.Length, progress.Last().BytesDone);
        Assert.False(File.Exists(temp["dest/cifar-10-binary.tar.gz.part"]));
        Assert.Empty(Directory.GetDirectories(temp["dest"], ".extract-*"));

        using var loaded = DatasetCatalog.LoadWithSource("cifar10", temp["dest"], cache: new DatasetCache(temp["cache"]));
        Assert.Equal(10, loaded.Splits.Train.Count);
        Assert.Equal("cifar10-binary", loaded.Format);
    }

    [Fact]
    public void PartialDownloadIsResumedWithARangeRequest()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        var archive = TinyCifar10Archive();
        server.Serve("c.tar.gz", archive);
        Directory.CreateDirectory(temp["dest"]);
        var half = archive.Length / 2;
        File.WriteAllBytes(temp["dest/cifar-10-binary.tar.gz.part"], archive[..half]);

        var result = new DatasetFetcher().Fetch(DatasetCatalog.Get("cifar10"), temp["dest"], server.Url("c.tar.gz"), Md5(archive), extract: false);

        var file = Assert.Single(result.Files);
        Assert.True(file.Resumed);
        Assert.Equal(archive.Length - half, file.BytesDownloaded);
        var request = Assert.Single(server.Requests);
        Assert.Equal($"bytes={half}-", request.Range);
        Assert.Equal(206, request.Status);
        Assert.Equal(archive.Length - half, request.BytesSent);
        Assert.Equal(archive, File.ReadAllBytes(temp["dest/cifar-10-binary.tar.gz"]));
        Assert.False(File.Exists(temp["dest/cifar-10-binary.tar.gz.part"]));
    }

    [Fact]
    public void Md5MismatchIsAnErrorAndKeepsNothing()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        var archive = TinyCifar10Archive();
        server.Serve("c.tar.gz", archive);

        var error = Assert.Throws<MyopiaException>(() =>
            new DatasetFetcher().Fetch(DatasetCatalog.Get("cifar10"), temp["dest"], server.Url("c.tar.gz"), md5: new string('0', 32)));

        Assert.Contains("MD5", error.Message);
        Assert.Contains(Md5(archive), error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp["dest"]));
    }

    [Fact]
    public void ExistingFileWithTheRightMd5IsNotDownloadedAgain()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        var archive = TinyCifar10Archive();
        server.Serve("c.tar.gz", archive);
        var fetcher = new DatasetFetcher();
        fetcher.Fetch(DatasetCatalog.Get("cifar10"), temp["dest"], server.Url("c.tar.gz"), Md5(archive));
        var again = fetcher.Fetch(DatasetCatalog.Get("cifar10"), temp["dest"], server.Url("c.tar.gz"), Md5(archive));
        Assert.True(Assert.Single(again.Files).AlreadyPresent);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("good/../../evil.txt")]
    [InlineData("/tmp/myopia-absolute-evil.txt")]
    public void ArchiveEntryOutsideTheTargetIsRefusedAndNothingIsWritten(string hostile)
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        var archive = TarGz(("good/a.txt", "fine"u8.ToArray()), (hostile, "evil"u8.ToArray()), ("good/b.txt", "fine"u8.ToArray()));
        server.Serve("evil.tar.gz", archive);

        var error = Assert.Throws<MyopiaException>(() =>
            new DatasetFetcher().Fetch(DatasetCatalog.Get("cifar10"), temp["dest"], server.Url("evil.tar.gz"), Md5(archive)));

        Assert.Contains($"entry '{hostile}'", error.Message);
        Assert.Contains("refusing", error.Message);
        Assert.False(File.Exists(temp["evil.txt"]));
        Assert.False(File.Exists("/tmp/myopia-absolute-evil.txt"));
        Assert.False(Directory.Exists(temp["dest/good"]));
        Assert.Empty(Directory.GetDirectories(temp["dest"]));
    }

    [Fact]
    public void ZipEntryOutsideTheTargetIsRefused()
    {
        using var temp = new TempFolder();
        using (var zip = ZipFile.Open(temp["t.zip"], ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("tiny-imagenet-200/wnids.txt").Open())) writer.Write("n1\n");
            using (var writer = new StreamWriter(zip.CreateEntry("../evil.txt").Open())) writer.Write("evil");
        }
        var error = Assert.Throws<MyopiaException>(() => SafeExtractor.Extract(temp["t.zip"], temp["dest"]));
        Assert.Contains("entry '../evil.txt' points outside the target folder", error.Message);
        Assert.False(File.Exists(temp["evil.txt"]));
        Assert.Empty(Directory.GetFileSystemEntries(temp["dest"]));
    }

    [Fact]
    public void SymbolicLinkEntryIsRefused()
    {
        using var temp = new TempFolder();
        using (var file = File.Create(temp["l.tar"]))
        using (var tar = new TarWriter(file, TarEntryFormat.Pax))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "data/link") { LinkName = "/etc/passwd" });
        var error = Assert.Throws<MyopiaException>(() => SafeExtractor.Extract(temp["l.tar"], temp["dest"]));
        Assert.Contains("is a link", error.Message);
    }

    [Fact]
    public async Task MultiFileDatasetsFetchEveryFileFromTheBaseUrl()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        OfficialFormatFiles.WriteIdx(temp["src"], trainCount: 3, testCount: 2, gzip: true);
        var files = IdxFileNames().Select(name => new RemoteFile(name, server.Url("mirror/" + name), Md5(File.ReadAllBytes(temp["src/" + name])))).ToList();
        foreach (var name in IdxFileNames()) server.Serve("mirror/" + name, File.ReadAllBytes(temp["src/" + name]));

        var result = await new DatasetFetcher().FetchAsync("mnist", files, temp["dest"], extract: true);

        Assert.Equal(4, result.Files.Count);
        Assert.Empty(result.ExtractedEntries); // .gz files are read as they are
        using var loaded = DatasetCatalog.LoadWithSource("mnist", temp["dest"], cache: new DatasetCache(temp["cache"]));
        Assert.Equal(3, loaded.Splits.Train.Count);
    }

    [Fact]
    public void PlanUsesTheOfficialSourcesAndAppliesOverrides()
    {
        var cifar = DatasetFetcher.Plan(DatasetCatalog.Get("cifar10"));
        Assert.Equal("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", Assert.Single(cifar).Url);
        Assert.Equal("c32a1d4ab5d03f1284b67883e8d87530", cifar[0].Md5);
        var mnist = DatasetFetcher.Plan(DatasetCatalog.Get("mnist"), url: "http://mirror.example/mnist");
        Assert.Equal(4, mnist.Count);
        Assert.Equal("http://mirror.example/mnist/t10k-labels-idx1-ubyte.gz", mnist[3].Url);
        Assert.Equal("ec29112dd5afa0611ce80d1b7f02629c", mnist[3].Md5);
        Assert.Throws<MyopiaException>(() => DatasetFetcher.Plan(DatasetCatalog.Get("synthetic")));
        Assert.Throws<MyopiaException>(() => DatasetFetcher.Plan(DatasetCatalog.Get("mnist"), md5: "x"));
    }

    [Fact]
    public void MissingFileOnTheServerIsAClearError()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        var error = Assert.Throws<MyopiaException>(() =>
            new DatasetFetcher().Fetch(DatasetCatalog.Get("cifar10"), temp["dest"], server.Url("nothing.tar.gz")));
        Assert.Contains("HTTP 404", error.Message);
    }

    private static IEnumerable<string> IdxFileNames() =>
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
}
