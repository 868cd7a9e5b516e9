using System.Globalization;
using System.Text.Json;
using Myopia.Analysis.ShiftStudy;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>
/// <c>myopia shift scatter</c> on hand-written shift.json files: grouping by filter size / downsampling /
/// padding, mean and sample standard deviation over seeds, the metric per protocol kind, the fallback to
/// a run's config.json, refusal of mixed protocols, and the CLI's files and error contract.
/// </summary>
public sealed class ShiftScatterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("myopia-shift-scatter-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string G(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A shift.json of a consistency protocol: the baseline's pairs and grid, and a surgery copy that scatter must ignore.</summary>
    internal static string PairsJson(string protocol, double accuracy, double consistency, double worst, int antialias, long seed, string parameters = "random pairs [0,7]^2",
        string downsampling = "subsample", int pad = 0, string architecture = "vggsmall") => $$"""
        {
          "model": "/nowhere/run/checkpoint.pt", "architecture": "{{architecture}}",
          "model_facts": { "architecture": "{{architecture}}", "antialias": {{antialias}}, "downsampling": "{{downsampling}}", "pad": {{pad}}, "pad_mode": {{(pad > 0 ? "\"zero\"" : "null")}},
                           "tile": null, "seed": {{seed}}, "source": "/nowhere/run/checkpoint.pt" },
          "headline": {},
          "result": { "protocol": "{{protocol}}", "images": 500, "measurements": [
            { "model": "baseline", "antialias": 0, "kind": "pairs", "parameters": "{{parameters}}", "images": 500, "pairs": 500,
              "p_change": {{G(1 - consistency)}}, "mac": 0.1, "accuracy": {{G(accuracy)}}, "consistency": {{G(consistency)}}, "worst_case": 0.2 },
            { "model": "baseline", "antialias": 0, "kind": "grid", "parameters": "every offset", "images": 500, "pairs": 0,
              "p_change": "NaN", "mac": "NaN", "accuracy": "NaN", "consistency": null, "worst_case": {{G(worst)}} },
            { "model": "antialias-5", "antialias": 5, "kind": "pairs", "parameters": "{{parameters}}", "images": 500, "pairs": 500,
              "p_change": 0.5, "mac": 0.1, "accuracy": 0.01, "consistency": 0.5, "worst_case": 0.9 } ] }
        }
        """;

    private string Write(string name, string json)
    {
        var folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "shift.json"), json);
        return folder;
    }

    private static (string, JsonElement) Root(string name, string json) => (name, JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void GroupsByFilterSizeWithMeanAndSampleStdOverSeeds()
    {
        var result = ShiftScatter.Build([
            Root("a", PairsJson("zhang-circular", 0.60, 0.80, 0.40, 0, 1)),
            Root("b", PairsJson("zhang-circular", 0.70, 0.90, 0.30, 0, 2)),
            Root("c", PairsJson("zhang-circular", 0.50, 0.85, 0.20, 5, 1)),
            Root("d", PairsJson("zhang-circular", 0.56, 0.88, 0.20, 5, 2)),
            Root("e", PairsJson("zhang-circular", 0.62, 0.91, 0.20, 5, 3)),
            Root("f", PairsJson("zhang-circular", 0.55, 0.95, 0.10, 0, 1, downsampling: "aps")),
            Root("g", PairsJson("zhang-circular", 0.58, 0.70, 0.50, 0, 1, pad: 4)),
        ]);
        Assert.Equal("consistency", result.Metric);
        Assert.Equal(7, result.Points.Count);
        var groups = result.Groups.ToDictionary(g => g.Key);
        Assert.Equal(new[] { "aa5", "aps", "baseline", "baseline_pad4" }, groups.Keys.Order(StringComparer.Ordinal));
        var b = groups["baseline"];
        Assert.Equal(2, b.Count);
        Assert.Equal(0.65, b.AccuracyMean, 12);
        Assert.Equal(Math.Sqrt(0.005), b.AccuracyStd, 12);  // (0.05² + 0.05²) / (2 − 1)
        Assert.Equal(0.85, b.MetricMean, 12);
        Assert.Equal(Math.Sqrt(0.005), b.MetricStd, 12);
        Assert.Equal(0.35, b.WorstCaseMean!.Value, 12);
        Assert.Equal(new long?[] { 1, 2 }, b.Seeds);
        var aa = groups["aa5"];
        Assert.Equal(3, aa.Count);
        Assert.Equal(0.56, aa.AccuracyMean, 12);
        Assert.Equal(0.06, aa.AccuracyStd, 12);              // deviations −0.06, 0, 0.06: √(0.0072 / 2)
        Assert.Equal(0.88, aa.MetricMean, 12);
        Assert.Equal(0.03, aa.MetricStd, 12);
        Assert.Equal("m=5", aa.Label);
        Assert.Equal(0, groups["aps"].AccuracyStd);            // one model: no spread
        Assert.Equal("APS", groups["aps"].Label);
        Assert.Equal("plain +pad 4", groups["baseline_pad4"].Label);
        var headline = result.Headline();
        Assert.Equal(3, headline["aa5_n"]);
        Assert.Equal(0.88, (double)headline["aa5_consistency_mean"], 12);
    }

    [Fact]
    public void AzulayProtocolsArePlottedAsPChange()
    {
        string Seq(double p, double acc, int aa) => $$"""
            { "model": "m", "architecture": "vggsmall",
              "model_facts": { "architecture": "vggsmall", "antialias": {{aa}}, "downsampling": "subsample", "pad": 0, "pad_mode": null, "tile": null, "seed": 1, "source": "x" },
              "result": { "protocol": "azulay-black", "measurements": [
                { "model": "baseline", "antialias": 0, "kind": "sequence", "parameters": "resize to 24x24", "images": 10, "pairs": 80,
                  "p_change": {{G(p)}}, "mac": 0.1, "accuracy": {{G(acc)}}, "consistency": null, "worst_case": 0.7 } ] } }
            """;
        var result = ShiftScatter.Build([Root("a", Seq(0.3, 0.4, 0)), Root("b", Seq(0.2, 0.5, 3))]);
        Assert.Equal("p_change", result.Metric);
        Assert.Equal(0.3, result.Groups.Single(g => g.Key == "baseline").MetricMean);
        Assert.Equal(0.7, result.Groups.Single(g => g.Key == "aa3").WorstCaseMean);
    }

    [Theory]
    [InlineData("cifar-circular", "random pairs [0,7]^2")]
    [InlineData("zhang-circular", "random pairs [0,3]^2")]
    public void MixedProtocolsAreRefused(string protocol, string parameters)
    {
        var e = Assert.Throws<MyopiaException>(() => ShiftScatter.Build([
            Root("a", PairsJson("zhang-circular", 0.6, 0.8, 0.4, 0, 1)),
            Root("b", PairsJson(protocol, 0.6, 0.8, 0.4, 0, 2, parameters)),
        ]));
        Assert.Contains("mixed protocols", e.Message);
    }

    [Fact]
    public void OlderResultsTakeTheirFactsFromTheRunConfig()
    {
        var run = Path.Combine(dir, "run-aa3");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), """{ "model": "vggsmall", "antialias": 3, "aps": false, "pad": 4, "pad_mode": "reflect", "seed": 7, "tile": null }""");
        var json = PairsJson("zhang-circular", 0.6, 0.8, 0.4, 0, 1);
        using var doc = JsonDocument.Parse(json);
        var withoutFacts = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        withoutFacts.Remove("model_facts");
        withoutFacts["model"] = Path.Combine(run, "checkpoint.pt");
        var facts = ShiftModelFacts.FromShiftJson(JsonDocument.Parse(withoutFacts.ToJsonString()).RootElement);
        Assert.Equal(3, facts.Antialias);
        Assert.Equal(4, facts.Pad);
        Assert.Equal("reflect", facts.PadMode);
        Assert.Equal(7, facts.Seed);
        Assert.Equal("aa3_pad4reflect", ShiftScatter.GroupKey(facts, withArchitecture: false));
    }

    [Fact]
    public void CliWritesTheFilesAndTheHeadline()
    {
        var folders = new[]
        {
            Write("s1-aa0", PairsJson("zhang-circular", 0.60, 0.80, 0.40, 0, 1)),
            Write("s2-aa0", PairsJson("zhang-circular", 0.70, 0.90, 0.30, 0, 2)),
            Write("s1-aa3", PairsJson("zhang-circular", 0.62, 0.86, 0.30, 3, 1)),
            Write("s2-aa3", PairsJson("zhang-circular", 0.64, 0.92, 0.25, 3, 2)),
        };
        var outDir = Path.Combine(dir, "out");
        var o = CliProcess.Run(["shift", "scatter", .. folders, "--out", outDir, "--json"]);
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        Assert.Equal(4, json.RootElement.GetProperty("models").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("groups").GetInt32());
        Assert.Equal(0.89, json.RootElement.GetProperty("aa3_consistency_mean").GetDouble(), 12);
        Assert.Equal(0.65, json.RootElement.GetProperty("baseline_accuracy_mean").GetDouble(), 12);
        var csv = File.ReadAllLines(Path.Combine(outDir, "scatter.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("group,label,", csv[0]);
        Assert.Contains("consistency_std", csv[0]);
        Assert.True(new FileInfo(Path.Combine(outDir, "shift-scatter.png")).Length > 1000);
        using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "scatter.json")));
        Assert.Equal(4, full.RootElement.GetProperty("result").GetProperty("points").GetArrayLength());
        Assert.Equal(2, full.RootElement.GetProperty("result").GetProperty("groups")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public void CliRefusesMixedProtocolsAndMissingResultsWithOneErrorLine()
    {
        var a = Write("z", PairsJson("zhang-circular", 0.6, 0.8, 0.4, 0, 1));
        var b = Write("c", PairsJson("cifar-circular", 0.6, 0.8, 0.4, 0, 1, "random pairs [-3,3]^2"));
        var empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(empty);
        foreach (var (args, expected) in new[] { (new[] { a, b }, "mixed protocols"), (new[] { a, empty }, "no shift.json") })
        {
            var o = CliProcess.Run(["shift", "scatter", .. args, "--out", Path.Combine(dir, "bad")]);
            Assert.Equal(2, o.ExitCode);
            var errors = o.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
            Assert.Single(errors);
            Assert.Contains(expected, errors[0]);
            Assert.DoesNotContain("   at ", o.Stderr);
        }
        Assert.False(File.Exists(Path.Combine(dir, "bad", "scatter.csv")));
    }
}
