using System.Text.Json;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Analysis.DiffeoStudy;

/// <summary><c>myopia diffeo</c> and <c>myopia diffeo scatter</c> end to end: on a registry model, on a PyTorch-made state_dict, and the error contract.</summary>
public sealed class DiffeoCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("myopia-diffeo-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void LayerWiseWithInitAndShuffledCopiesWritesEveryFileAndFigure()
    {
        var outDir = Path.Combine(dir, "vgg");
        var o = CliProcess.Run("diffeo", "--model", "vggsmall", "--data", "synthetic", "--test-limit", "16", "--probes", "12", "--batch", "5",
            "--compare-init", "--compare-shuffle", "--spectra", "--draws", "2", "--threads", "1", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        var h = json.RootElement;
        Assert.Equal(12, h.GetProperty("probes").GetInt32());
        Assert.Equal(1.0, h.GetProperty("displacement").GetDouble(), 9);
        foreach (var key in new[] { "R_f", "init_R_f", "shuffled_R_f", "R_f_median", "D_f", "G_f" })
            Assert.True(h.GetProperty(key).GetDouble() is > 0 and < 1e6, key);
        var csv = File.ReadAllLines(Path.Combine(outDir, "diffeo.csv"));
        var variants = csv.Skip(1).Select(l => l.Split(',')[0]).Distinct().ToArray();
        Assert.Equal(["untrained", "init", "shuffled"], variants);
        var inputs = csv.Where(l => l.Split(',')[2] == "input").ToList();
        Assert.Equal(3, inputs.Count);
        Assert.All(inputs, l => Assert.Equal(1.0, double.Parse(l.Split(',')[8], System.Globalization.CultureInfo.InvariantCulture), 9));
        Assert.Contains(csv, l => l.Split(',')[2] == "features.0" && l.Split(',')[3] == "Conv2d");
        Assert.Equal(1 + 2 * (csv.Length - 1), File.ReadAllLines(Path.Combine(outDir, "diffeo-draws.csv")).Length);
        foreach (var png in new[] { "diffeo-depth.png", "diffeo-examples.png", "diffeo-spectra.png" })
            Assert.True(new FileInfo(Path.Combine(outDir, png)).Length > 5000, png);
        using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "diffeo.json")));
        Assert.Equal(12, full.RootElement.GetProperty("result").GetProperty("probe_indices").GetArrayLength());

        // The scatter of two results: a fit through two points, and its figure.
        var other = Path.Combine(dir, "small");
        Assert.Equal(0, CliProcess.Run("diffeo", "--model", "smallcnn", "--data", "synthetic", "--test-limit", "16", "--probes", "12", "--layers", "output",
            "--threads", "1", "--out", other).ExitCode);
        var scatterDir = Path.Combine(dir, "scatter");
        var s = CliProcess.Run("diffeo", "scatter", outDir, other, "--out", scatterDir, "--json");
        Assert.True(s.ExitCode == 0, s.Stderr);
        using var fit = JsonDocument.Parse(s.Stdout);
        Assert.Equal(2, fit.RootElement.GetProperty("networks").GetInt32());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(scatterDir, "scatter.csv")).Length);
        Assert.True(File.Exists(Path.Combine(scatterDir, "diffeo-scatter.png")));
    }

    [Theory]
    [InlineData("--probes 1", "--probes")]
    [InlineData("--cutoff 1", "--cutoff")]
    [InlineData("--displacement 0", "--displacement must be a positive")]
    [InlineData("--temperature nan", "--temperature must be a positive")]
    [InlineData("--interpolation cubic", "cubic")]
    [InlineData("--layers nosuch.layer", "no layer of the network")]
    [InlineData("--norm-statistics frozen", "frozen")]
    public void BadInputGivesOneErrorLine(string args, string expected)
    {
        var o = CliProcess.Run(["diffeo", "--model", "smallcnn", "--data", "synthetic", "--test-limit", "8", "--probes", "4", "--threads", "1",
            "--out", Path.Combine(dir, "bad"), .. args.Split(' ')]);
        Assert.Equal(2, o.ExitCode);
        var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public void ScatterRefusesAFolderWithoutAResult()
    {
        var o = CliProcess.Run("diffeo", "scatter", dir, "--out", Path.Combine(dir, "s"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("holds no diffeo.json", o.Stderr);
    }

    [PyTorchFact]
    public void LayerWiseSensitivitiesOfAPyTorchStateDict()
    {
        using var reference = PyTorchReference.Run(PyTorchReference.SmallVggStateDict);
        var outDir = Path.Combine(dir, "pytorch");
        var o = CliProcess.Run("diffeo", "--model", reference.File("vgg.pth"), "--arch", "vggsmall", "--data", "synthetic", "--test-limit", "12",
            "--probes", "10", "--compare-shuffle", "--threads", "1", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        Assert.True(json.RootElement.GetProperty("R_f").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("shuffled_R_f").GetDouble() > 0);
        var csv = File.ReadAllLines(Path.Combine(outDir, "diffeo.csv"));
        // A weights file counts as trained: running statistics; its layers keep PyTorch's module paths.
        Assert.Contains(csv, l => l.StartsWith("trained,running,features.3,Conv2d"));
        Assert.Contains(csv, l => l.StartsWith("trained,running,classifier,Linear"));
    }
}
