using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Myopia.Cli;
using Myopia.Cli.Commands;

namespace Myopia.Tests.Data;

/// <summary>The <c>myopia data</c> commands run in-process, with stdout and stderr captured.</summary>
[Collection("Console")]
public class DataCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(DataCommand.Create());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var exit = CliRunner.Run(root, args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private static JsonElement SingleJsonObject(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement;
    }

    [Fact]
    public void InspectPrintsOneJsonObjectWithCountsShapeAndStatistics()
    {
        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp["cifar-10-batches-bin"], perTrainBatch: 2, testCount: 3);
        var previous = Environment.GetEnvironmentVariable("MYOPIA_CACHE");
        Environment.SetEnvironmentVariable("MYOPIA_CACHE", temp["cache"]);
        try
        {
            var (exit, stdout, stderr) = Run("data", "inspect", "cifar10", "--data-dir", temp.Path, "--json");
            Assert.Equal(0, exit);
            var json = SingleJsonObject(stdout);
            Assert.Equal("cifar10-binary", json.GetProperty("format").GetString());
            Assert.Equal(10, json.GetProperty("train").GetProperty("count").GetInt32());
            Assert.Equal(3, json.GetProperty("test").GetProperty("count").GetInt32());
            Assert.Equal(10 * 3072, json.GetProperty("train").GetProperty("bytes").GetInt64());
            Assert.Equal(32, json.GetProperty("height").GetInt32());
            Assert.Equal(3, json.GetProperty("mean").GetArrayLength());
            var perClass = json.GetProperty("train").GetProperty("per_class").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(Enumerable.Range(0, 10).GroupBy(i => OfficialFormatFiles.CifarLabel(i, 10)).Count(), perClass.Count(n => n > 0));
            Assert.Equal(10, perClass.Sum());
            Assert.Contains("decoded cifar10", stderr);

            // A path works as well as a name.
            var (pathExit, pathOut, _) = Run("data", "inspect", temp["cifar-10-batches-bin"], "--json");
            Assert.Equal(0, pathExit);
            Assert.Equal(10, SingleJsonObject(pathOut).GetProperty("train").GetProperty("count").GetInt32());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MYOPIA_CACHE", previous);
        }
    }

    [Fact]
    public void UnknownNameOrCorruptDataIsOneErrorLineAndExitCodeTwo()
    {
        var (exit, stdout, stderr) = Run("data", "inspect", "no-such-dataset");
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("error: 'no-such-dataset' is neither a known dataset", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        using var temp = new TempFolder();
        OfficialFormatFiles.WriteCifar10Binary(temp.Path, perTrainBatch: 1, testCount: 1, truncateBatch3: 5);
        (exit, _, stderr) = Run("data", "inspect", "cifar10", "--data-dir", temp.Path);
        Assert.Equal(2, exit);
        Assert.Contains("error: data_batch_3.bin: 3,068 bytes is not a whole number of 3073-byte records", stderr);
    }

    [Fact]
    public void ListJsonNamesEveryDatasetWithItsSource()
    {
        var (exit, stdout, _) = Run("data", "list", "--json");
        Assert.Equal(0, exit);
        var datasets = SingleJsonObject(stdout).GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(["synthetic", "twopoints", "cifar10", "cifar100", "stl10", "mnist", "fashion-mnist", "tiny-imagenet", "imagenet", "imagefolder"],
            datasets.Select(d => d.GetProperty("name").GetString()));
        var stl = datasets.Single(d => d.GetProperty("name").GetString() == "stl10");
        Assert.Equal("http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz", stl.GetProperty("urls")[0].GetString());
    }

    [Fact]
    public void FetchDownloadsFromTheGivenUrlAndReportsJson()
    {
        using var temp = new TempFolder();
        using var server = new LocalHttpServer();
        OfficialFormatFiles.WriteCifar10Binary(temp["src/cifar-10-batches-bin"], perTrainBatch: 1, testCount: 1);
        OfficialFormatFiles.TarGz(temp["src"], temp["a.tar.gz"]);
        var archive = File.ReadAllBytes(temp["a.tar.gz"]);
        server.Serve("mirror/c.tar.gz", archive);
        var md5 = Convert.ToHexString(MD5.HashData(archive)).ToLowerInvariant();

        var (exit, stdout, stderr) = Run("data", "fetch", "cifar10", "--dest", temp["dest"], "--url", server.Url("mirror/c.tar.gz"), "--md5", md5, "--json");

        Assert.Equal(0, exit);
        var json = SingleJsonObject(stdout);
        Assert.Equal(md5, json.GetProperty("files")[0].GetProperty("md5").GetString());
        Assert.True(File.Exists(temp["dest/cifar-10-batches-bin/data_batch_5.bin"]));
        Assert.Contains("MD5 verified", stderr);
        Assert.Contains("MB/s", stderr);
    }
}
