using System.Text.Json;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Cli;

/// <summary><c>myopia theory pooling</c> end to end, as a user runs it: the idealised pooling networks of spec §7.</summary>
public class TheoryPoolingCommandTests
{
    [Fact]
    public void DefaultsReproduceTheSpecAndWriteTablesAndFigures()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-theory-pooling-{Guid.NewGuid():N}");
        try
        {
            var r = CliProcess.Run("theory", "pooling", "--seed", "0", "--out", dir, "--json");
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var doc = JsonDocument.Parse(r.Stdout); // one JSON object, nothing else on stdout
            var h = doc.RootElement;
            Assert.Equal(3, h.GetProperty("stride_1_filter").GetInt32());
            Assert.Equal(32, h.GetProperty("stride_1_layers").GetInt32());
            Assert.Equal(257, h.GetProperty("stride_2_inputs").GetInt32());
            Assert.InRange(h.GetProperty("stride_1_d_exponent").GetDouble(), -1.10, -0.80);   // target 5
            Assert.InRange(h.GetProperty("stride_1_g_exponent").GetDouble(), 0.31, 0.55);
            Assert.InRange(h.GetProperty("stride_1_r_exponent").GetDouble(), -1.65, -1.15);
            Assert.Equal(-2, h.GetProperty("stride_2_r_predicted").GetDouble());
            Assert.InRange(h.GetProperty("stride_2_d_exponent").GetDouble(), -1.1, -0.85);

            var csv = File.ReadAllLines(Path.Combine(dir, "pooling.csv"));
            Assert.StartsWith("filter,stride,inputs,seed,k,width,D,G,R,", csv[0]);
            Assert.Equal(1 + 32 + 7, csv.Length);
            var first = csv.Single(l => l.StartsWith("2,2,257,0,1,128,")).Split(',');
            Assert.InRange(double.Parse(first[6], System.Globalization.CultureInfo.InvariantCulture), 0.504 * 0.97, 0.504 * 1.03); // target 4, D_1
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "pooling.json")));
            Assert.Equal(2, json.RootElement.GetProperty("networks").GetArrayLength());
            Assert.Equal(7, json.RootElement.GetProperty("networks")[1].GetProperty("layers").GetArrayLength());
            foreach (var png in new[] { "pooling-stride-1.png", "pooling-stride-2.png" })
                Assert.True(new FileInfo(Path.Combine(dir, png)).Length > 10_000, png);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void TheTableGivesEveryLayerOfTheStridedNetAndTheExponents()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-theory-pooling-{Guid.NewGuid():N}");
        try
        {
            var r = CliProcess.Run("theory", "pooling", "--stride-1-layers", "8", "--stride-1-inputs", "40", "--stride", "3", "--stride-layers", "3", "--stride-inputs", "81", "--out", dir);
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("F = 3, stride 3, n = 81", r.Stdout);
            Assert.Contains("log_3 per layer", r.Stdout);
            Assert.True(File.Exists(Path.Combine(dir, "pooling-stride-3.png")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--stride 1", "--stride must be at least 2")]
    [InlineData("--stride-1-filter 0", "--stride-1-filter must be at least 1")]
    [InlineData("--stride-1-inputs 1", "--stride-1-inputs must be at least 2")]
    [InlineData("--stride-layers 0", "--stride-layers must be at least 1")]
    [InlineData("--stride-layers 9", "nothing left to pool")]
    [InlineData("--stride-1-filter 4 --stride-1-inputs 10", "stride-1 network (--stride-1-filter 4 --stride-1-layers 32 --stride-1-inputs 10): layer 10 has nothing left to pool")]
    [InlineData("--stride two", "--stride")]
    public void BadInputIsOneErrorLineAndExitTwo(string args, string fragment)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"myopia-theory-pooling-{Guid.NewGuid():N}");
        var r = CliProcess.Run(["theory", "pooling", .. args.Split(' '), "--out", dir]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(fragment, lines[0]);
        Assert.False(Directory.Exists(dir) && Directory.EnumerateFiles(dir).Any(), "nothing is written when the input is refused");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }
}
