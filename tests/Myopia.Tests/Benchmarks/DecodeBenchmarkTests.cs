using System.Text.Json;
using Myopia.Benchmarks;
using Myopia.Data.Cache;
using Myopia.Tests.Data;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Benchmarks;

/// <summary>
/// <c>myopia bench data</c>: Myopia and torchvision read the same evenly spaced photos into the same pixels
/// (equal checksums), a missing peer leaves Myopia's figures and says why, medians and the ratio, and the CLI.
/// Speed itself is never asserted beyond being measured.
/// </summary>
public sealed class DecodeBenchmarkTests
{
    // Two classes of photos in three sizes and two aspect ratios, JPEG and PNG, one PNG grayscale (pil_loader converts it to RGB).
    private static void WritePhotos(TempFolder temp)
    {
        int image = 0;
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "cat", "dog" })
                for (int k = 0; k < 4; k++, image++)
                {
                    var (w, h) = (k % 3) switch { 0 => (40, 30), 1 => (30, 44), _ => (52, 52) };
                    var bytes = k % 2 == 0 ? OfficialFormatFiles.Jpeg(image, w, h) : OfficialFormatFiles.Png(image, w, h, grayscale: k == 3);
                    OfficialFormatFiles.WriteBytes(temp[$"{split}/{cls}/{k}.{(k % 2 == 0 ? "jpg" : "png")}"], bytes);
                }
    }

    // Five of the eight test photos (indices 0, 1, 3, 4, 6: i * 8 / 5), so both sides must pick the same ones.
    private static DecodeBenchOptions Small(TempFolder temp, int repeats = 1) =>
        new(temp.Path, Images: 5, Batch: 2, Repeats: repeats, Workers: 1, Resize: 20, Crop: 16);

    [PyTorchFact]
    public void MyopiaAndTorchvisionProduceTheSamePixels()
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        var result = new DecodeBenchmark(Small(temp), new DecodePeer(DecodePeer.Locate().Script, PyTorchReference.Python!)) { Cache = new DatasetCache(temp["cache"]) }.Run();
        Assert.Null(result.PeerNote);
        Assert.Equal((5, 8, 16, 16, "test"), (result.Images, result.SplitImages, result.Height, result.Width, result.Split));
        var (myopia, pytorch) = (result.Side(DecodeSides.Myopia)!, result.Side(DecodeSides.Pytorch)!);
        Assert.True(myopia.Checksum > 0);
        Assert.Equal(myopia.Checksum, pytorch.Checksum);
        Assert.True(result.ChecksumsEqual);
        Assert.True(myopia.ImagesPerSecond > 0 && pytorch.ImagesPerSecond > 0);
        Assert.NotNull(result.MyopiaVsPytorch);
        Assert.NotNull(result.TorchvisionVersion);
        Assert.Equal([5, 5], result.Runs.Select(r => r.Images));
    }

    [Fact]
    public void WithoutTorchMyopiaIsMeasuredAloneAndTheNoteSaysWhy()
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        var python = temp["python"];
        File.WriteAllText(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = new DecodeBenchmark(Small(temp, repeats: 2), new DecodePeer(DecodePeer.Locate().Script, python)) { Cache = new DatasetCache(temp["cache"]) }.Run();
        Assert.Contains("python3-torch", result.PeerNote);
        Assert.DoesNotContain('\n', result.PeerNote!);
        Assert.Equal([DecodeSides.Myopia], result.Sides.Select(s => s.Side));
        var myopia = result.Side(DecodeSides.Myopia)!;
        Assert.Equal(2, myopia.Runs);
        Assert.True(myopia.ChecksumStable && myopia.Checksum > 0 && myopia.ImagesPerSecond > 0);
        Assert.Null(result.MyopiaVsPytorch);
        Assert.Null(result.ChecksumsEqual);
    }

    [Fact]
    public void MediansRatioAndChecksumAgreement()
    {
        DecodeBenchRun Run(string side, double seconds, long checksum = 7) => new(side, 1, 100, 64, seconds, checksum);
        var runs = new[] { Run(DecodeSides.Pytorch, 2), Run(DecodeSides.Myopia, 1), Run(DecodeSides.Myopia, 4), Run(DecodeSides.Myopia, 0.5), Run(DecodeSides.Pytorch, 0.5) };
        var sides = DecodeBenchResult.Summarize(runs);
        Assert.Equal([DecodeSides.Myopia, DecodeSides.Pytorch], sides.Select(s => s.Side));
        Assert.Equal(100, sides[0].ImagesPerSecond);      // 25, 100, 200 photos/s
        Assert.Equal(125, sides[1].ImagesPerSecond);      // 50 and 200: the mean of the two
        var result = new DecodeBenchResult("d", "test", "resize=256,crop=224,interpolation=bilinear", 100, 200, 224, 224, 64, 3, 2, 2, sides, runs, null, "1.13", "0.14");
        Assert.Equal(0.8, result.MyopiaVsPytorch);
        Assert.True(result.ChecksumsEqual);
        var differing = runs.Append(Run(DecodeSides.Pytorch, 1, checksum: 8)).ToList();
        Assert.False((result with { Runs = differing, Sides = DecodeBenchResult.Summarize(differing) }).ChecksumsEqual);
        Assert.Equal(0.8, result.Headline()["myopia_vs_pytorch"]);
    }

    [Fact]
    public void CliWithoutPeerWritesTheReport()
    {
        using var temp = new TempFolder();
        WritePhotos(temp);
        var outDir = temp["out"];
        var o = CliProcess.RunWith(new Dictionary<string, string> { ["MYOPIA_CACHE"] = temp["cache"] }, null,
            "bench", "data", "--data-dir", temp.Path, "--images", "3", "--batch", "2", "--repeats", "1", "--resize", "20", "--crop", "16", "--no-peer", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("not requested", o.Stderr);
        using var headline = JsonDocument.Parse(o.Stdout);
        Assert.True(headline.RootElement.GetProperty("myopia_images_s").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, headline.RootElement.GetProperty("checksums_equal").ValueKind);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench-data.json")));
        Assert.Equal(3, report.RootElement.GetProperty("result").GetProperty("images").GetInt32());
        Assert.Contains("| myopia |", File.ReadAllText(Path.Combine(outDir, "bench-data.md")));
    }

    [Theory]
    [InlineData("--data-dir", "/nonexistent/myopia-photos", "folder not found")]
    [InlineData("--images", "0", "--images")]
    [InlineData("--split", "holdout", "--split")]
    [InlineData("--interpolation", "cubic-ish", "unknown interpolation")]
    public void BadInputIsOneErrorLineAndExitTwo(string option, string value, string expected)
    {
        using var temp = new TempFolder();
        var args = new List<string> { "bench", "data", "--no-peer", option, value };
        if (option != "--data-dir") args.AddRange(["--data-dir", temp.Path]);
        var o = CliProcess.Run([.. args]);
        Assert.Equal(2, o.ExitCode);
        var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }
}
