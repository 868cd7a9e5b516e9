using System.Text.Json;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary><c>myopia shift</c> end to end: on a registry model, on a PyTorch-made state_dict, and its error contract.</summary>
public sealed class ShiftCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("myopia-shift-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void SizeSweepWithAnAntialiasedCopyWritesEveryMeasurementAndFigure()
    {
        var outDir = Path.Combine(dir, "sweep");
        var o = CliProcess.Run("shift", "--model", "vggsmall", "--data", "synthetic", "--test-limit", "6", "--protocol", "size-sweep",
            "--compare-antialias", "3", "--threads", "1", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        Assert.Equal("size-sweep", json.RootElement.GetProperty("protocol").GetString());
        Assert.InRange(json.RootElement.GetProperty("black_d16_p_change").GetDouble(), 0, 1);
        Assert.InRange(json.RootElement.GetProperty("aa3_crop_s0.1_mac").GetDouble(), 0, 1);
        var rows = File.ReadAllLines(Path.Combine(outDir, "shift.csv"));
        Assert.Equal(1 + 2 * 7, rows.Length);
        Assert.Equal(1 + 2 * 7 * 9, File.ReadAllLines(Path.Combine(outDir, "shift-curves.csv")).Length);
        Assert.Equal(1 + 2 * 7 * 6, File.ReadAllLines(Path.Combine(outDir, "shift-rows.csv")).Length);
        foreach (var png in new[] { "shift-size-sweep.png", "shift-stability.png", "shift-rows-baseline.png", "shift-rows-antialias-3.png" })
            Assert.True(new FileInfo(Path.Combine(outDir, png)).Length > 1000, png);
        using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "shift.json")));
        Assert.Equal(14, full.RootElement.GetProperty("result").GetProperty("measurements").GetArrayLength());
    }

    [Theory]
    [InlineData("azulay-crop", "--scale", "1.5", "crop scale")]
    [InlineData("azulay-black", "--embed", "40", "--embed must be in 1..32")]
    [InlineData("zhang", "--compare-antialias", "9", "--compare-antialias")]
    [InlineData("nonsense", "--pairs", "1", "'nonsense'")]
    public void BadInputIsOneErrorLineAndExitTwo(string protocol, string option, string value, string expected)
    {
        var o = CliProcess.Run("shift", "--model", "vggsmall", "--data", "synthetic", "--test-limit", "4", "--protocol", protocol, option, value,
            "--out", Path.Combine(dir, "bad"));
        Assert.Equal(2, o.ExitCode);
        var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public void AListOfFilterSizesGivesOneSurgeryCopyEachAndZhangsPlot()
    {
        var outDir = Path.Combine(dir, "list");
        var o = CliProcess.Run("shift", "--model", "vggsmall", "--data", "synthetic", "--test-limit", "4", "--protocol", "zhang-circular", "--max-shift", "2",
            "--compare-antialias", "1,2,5", "--threads", "1", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        foreach (var key in new[] { "consistency", "aa1_consistency", "aa2_consistency", "aa5_consistency", "aa5_worst_case" })
            Assert.InRange(json.RootElement.GetProperty(key).GetDouble(), 0, 1);
        Assert.Equal(1 + 4 * 2, File.ReadAllLines(Path.Combine(outDir, "shift.csv")).Length);
        Assert.True(new FileInfo(Path.Combine(outDir, "shift-consistency.png")).Length > 1000);
        using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "shift.json")));
        var facts = full.RootElement.GetProperty("model_facts");
        Assert.Equal("vggsmall", facts.GetProperty("architecture").GetString());
        Assert.Equal(0, facts.GetProperty("antialias").GetInt32());
        Assert.Equal("subsample", facts.GetProperty("downsampling").GetString());
    }

    [Theory]
    [InlineData("internal", "1,3", "--protocol internal compares one BlurPool filter size")]
    [InlineData("zhang-circular", "1,9", "filter sizes 1..7")]
    [InlineData("zhang-circular", "2,x", "'x'")]
    public void BadFilterSizeListsAreOneErrorLine(string protocol, string sizes, string expected)
    {
        var o = CliProcess.Run("shift", "--model", "vggsmall", "--data", "synthetic", "--test-limit", "2", "--protocol", protocol,
            "--compare-antialias", sizes, "--out", Path.Combine(dir, "bad-list"));
        Assert.Equal(2, o.ExitCode);
        var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public void InternalStillTakesOneFilterSize()
    {
        var o = CliProcess.Run("shift", "--model", "vggsmall", "--data", "synthetic", "--test-limit", "2", "--protocol", "internal", "--max-shift", "2",
            "--compare-antialias", "3", "--threads", "1", "--out", Path.Combine(dir, "internal"), "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        Assert.True(json.RootElement.TryGetProperty("aa3_mean_distance", out _));
    }

    [PyTorchFact]
    public void ConsistencyOfAPyTorchStateDictEndToEnd()
    {
        using var reference = PyTorchReference.Run(PyTorchReference.SmallVggStateDict);
        var outDir = Path.Combine(dir, "pytorch");
        var o = CliProcess.Run("shift", "--model", reference.File("vgg.pth"), "--arch", "vggsmall", "--data", "synthetic", "--test-limit", "6",
            "--protocol", "cifar-circular", "--compare-antialias", "5", "--threads", "1", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        Assert.InRange(json.RootElement.GetProperty("consistency").GetDouble(), 0, 1);
        Assert.InRange(json.RootElement.GetProperty("aa5_consistency").GetDouble(), 0, 1);
        Assert.InRange(json.RootElement.GetProperty("worst_case").GetDouble(), 0, 1);
        Assert.True(File.Exists(Path.Combine(outDir, "shift-consistency.png")));
        var csv = File.ReadAllLines(Path.Combine(outDir, "shift.csv"));
        Assert.Equal(5, csv.Length); // pairs and grid, baseline and antialiased
        Assert.Contains(csv, l => l.Contains("every offset (dy, dx) in [-3, 3]^2"));
    }
}
