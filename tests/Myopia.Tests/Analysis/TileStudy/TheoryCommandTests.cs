using System.Text.Json;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Analysis.TileStudy;

/// <summary><c>myopia theory patch</c> end to end, as a user runs it.</summary>
public class TheoryCommandTests
{
    [Fact]
    public void JsonGivesTheCurveAndItsMinimum()
    {
        var r = CliProcess.Run("theory", "patch", "--dataset", "cifar10", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout); // one JSON object, nothing else on stdout
        var root = doc.RootElement;
        Assert.Equal("cifar10", root.GetProperty("dataset").GetString());
        Assert.Equal(11.7, root.GetProperty("t_min").GetDouble(), 6);
        Assert.Equal(0.1163, root.GetProperty("err_min").GetDouble(), 3);
        Assert.Equal(320, root.GetProperty("t").GetArrayLength());
        Assert.Equal(320, root.GetProperty("err").GetArrayLength());
        Assert.Equal(8.0, root.GetProperty("t")[79].GetDouble(), 9);
        Assert.Equal(0.1184, root.GetProperty("err")[79].GetDouble(), 3);
    }

    [Fact]
    public void OverridesReplaceThePresetAndFiguresGoToTheRunFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-theory-{Guid.NewGuid():N}");
        try
        {
            // CIFAR-100 is CIFAR-10 with k = 100.
            var r = CliProcess.Run("theory", "patch", "--dataset", "cifar10", "--k", "100", "--out", dir, "--json");
            Assert.Equal(0, r.ExitCode);
            using var doc = JsonDocument.Parse(r.Stdout);
            Assert.Equal(19.3, doc.RootElement.GetProperty("t_min").GetDouble(), 6);
            Assert.Equal(0.2545, doc.RootElement.GetProperty("err_min").GetDouble(), 3);
            Assert.True(new FileInfo(Path.Combine(dir, "err-cifar10.png")).Length > 1000);
            var csv = File.ReadAllLines(Path.Combine(dir, "err-cifar10.csv"));
            Assert.Equal("t,err", csv[0]);
            Assert.Equal(321, csv.Length);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void TableNamesTheMinimum()
    {
        var r = CliProcess.Run("theory", "patch", "--dataset", "stl10");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("minimum err = 0.1948 at t = 40.2", r.Stdout);
    }

    [Fact]
    public void UnknownDatasetWithoutParametersIsOneErrorLine()
    {
        var r = CliProcess.Run("theory", "patch", "--dataset", "mnist");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: no preset 'mnist'", lines[0]);
    }
}
