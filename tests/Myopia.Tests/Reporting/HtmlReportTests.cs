using System.Text.RegularExpressions;
using Myopia.Analysis.TileStudy;
using Myopia.Evaluation;
using Myopia.Experiments;
using Myopia.IO;
using Myopia.Reporting;
using Myopia.Tests.Infrastructure;
using Myopia.Training;
using ScottPlot;

namespace Myopia.Tests.Reporting;

[Collection(GlobalTorchState.Name)]
public partial class HtmlReportTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-report-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string TrainedRun(string? folder = null)
    {
        folder ??= root;
        using var data = TinyData.Quadrants(train: 32, test: 16);
        var options = new TrainOptions { Data = "tiny", Epochs = 2, Batch = 16 };
        var result = new Trainer(options, data, folder).Run();
        RunReport.Write(new RunFolder(folder), result, options);
        return folder;
    }

    /// <summary>One folder of each kind a command writes, as the commands write them, under one root.</summary>
    private void EveryKindOfResultsFolder()
    {
        TrainedRun(Path.Combine(root, "run"));

        var sweepDir = Path.Combine(root, "sweep");
        var spec = new SweepSpec
        {
            Base = new TrainOptions { Data = "tiny", Epochs = 1, Batch = 16, Flip = false },
            Models = ["smallcnn"], Tiles = [8, 0], Seeds = [1, 2], PatchStride = 4,
        };
        var load = (TrainOptions _) => TinyData.Quadrants(train: 32, test: 16);
        var sweep = new SweepRunner(spec, sweepDir)
        {
            PatchEvaluator = (classifier, test, tile) => new PatchAveragedEvaluator(classifier, new(tile, 4)).Run(test),
        }.Run(new InProcessSweepExecutor(load), load);
        SweepFigures.Write(sweep, PatchErrorPresets.Get("synthetic"), imageSide: 16, spec);
        SweepFigures.WriteReport(sweep, spec);

        var eval = Directory.CreateDirectory(Path.Combine(root, "run", "eval")).FullName;
        var names = new[] { "cat", "dog", "ship" };
        EvaluationWriter.Write(new EvaluationResult("full", 30, 1.0, 0.5, 1.0, [0.6, 0.5, 0.4], [[6, 2, 2], [3, 5, 2], [3, 3, 4]], names, 100), eval, "net on tiny");
        JsonOutput.WriteFile(Path.Combine(eval, "eval.json"), new { dataset = "tiny" });

        var heatmap = Directory.CreateDirectory(Path.Combine(root, "heatmap")).FullName;
        const int h = 12, w = 20;
        var rng = new Random(1);
        ImageHeatmap Map(int i)
        {
            var classes = Enumerable.Range(0, h * w).Select(_ => rng.Next(120)).ToArray();
            var logit = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble()).ToArray();
            return new ImageHeatmap(i, 1, 1, 1, h, w, logit, logit, logit, logit, classes);
        }
        var maps = new TileHeatmapResult(new TileHeatmapOptions(4), "exact", Enumerable.Range(0, 120).Select(c => $"class{c}").ToArray(), [Map(0), Map(1)], 1);
        HeatmapRenderer.WriteGrid(maps, [new byte[3 * h * w], new byte[3 * h * w]], Path.Combine(heatmap, "heatmap-exact-t4.png"));
        JsonOutput.WriteFile(Path.Combine(heatmap, "heatmap.json"), new { tile = 4 });
        Directory.CreateDirectory(Path.Combine(heatmap, "arrays"));
        File.WriteAllText(Path.Combine(heatmap, "arrays", "image0.npy"), "not a page");

        // A lab's measurements one level below a folder without results of its own, with a long CSV.
        var lab = Directory.CreateDirectory(Path.Combine(root, "shift-runs", "black 24")).FullName;
        File.WriteAllText(Path.Combine(lab, "shift.json"), """{"headline": {"consistency": 0.91, "images": 100}}""");
        var plot = new Plot();
        plot.Add.Scatter(new double[] { 0, 1, 2 }, new double[] { 1, 0.9, 0.95 });
        PlotFile.Save(plot, Path.Combine(lab, "shift-stability.png"));
        File.WriteAllLines(Path.Combine(lab, "shift-rows.csv"), ["shift,consistency", .. Enumerable.Range(0, 2200).Select(i => $"{i},0.9")]);
    }

    [Fact]
    public void ReportIsSelfContainedWithEveryPlotEmbedded()
    {
        var html = File.ReadAllText(HtmlReport.Write(TrainedRun()));
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("src=\"curves.png\"", html);
        Assert.Contains("metrics.csv", html);
        // The configuration once, as a table; no raw summary.json dump, no heading left empty.
        Assert.Contains("<h2 id=\"configuration\">Configuration</h2>", html);
        Assert.Single(Regex.Matches(html, "Configuration</h"));
        Assert.DoesNotContain("\"completed_epochs\"", html);
        // An empty section: a heading followed at once by one of the same or a higher level.
        Assert.DoesNotMatch(new Regex("<h2[^>]*>[^<]*</h2>\\s*<h2|<h3[^>]*>[^<]*</h3>\\s*<h[23]"), html);
    }

    [Fact]
    public void EveryResultsFolderGetsAPageLinkedFromTheIndexAndLongTablesAreLinked()
    {
        EveryKindOfResultsFolder();
        var index = File.ReadAllText(HtmlReport.Write(root));
        foreach (var page in new[] { "run/report.html", "sweep/report.html", "heatmap/report.html", "shift-runs/black%2024/report.html" })
            Assert.Contains($"href=\"{page}\"", index);
        Assert.Contains("href=\"eval/report.html\"", File.ReadAllText(Path.Combine(root, "run", "report.html")));
        Assert.False(File.Exists(Path.Combine(root, "heatmap", "arrays", "report.html")));
        var sweep = File.ReadAllText(Path.Combine(root, "sweep", "report.html"));
        Assert.Contains("href=\"runs/smallcnn-t8-s1/report.html\"", sweep);
        Assert.Contains("href=\"../../report.html\"", File.ReadAllText(Path.Combine(root, "sweep", "runs", "smallcnn-t8-s1", "report.html")));
        var lab = File.ReadAllText(Path.Combine(root, "shift-runs", "black 24", "report.html"));
        Assert.Contains("2,200 rows", lab);
        Assert.DoesNotContain("<td>2199</td>", lab);
        Assert.Contains("href=\"shift-stability.svg\"", lab);
    }

    public sealed class ChromiumFactAttribute : FactAttribute
    {
        public ChromiumFactAttribute()
        {
            if (Chromium.Path is null) Skip = "chromium not installed (apt-get install chromium; .ci/run installs it)";
        }
    }

    [ChromiumFact]
    public void HeadlessChromiumDecodesEveryImageAndEveryLinkResolvesOnEveryPage()
    {
        EveryKindOfResultsFolder();
        HtmlReport.Write(root);
        var pages = Directory.GetFiles(root, HtmlReport.FileName, SearchOption.AllDirectories);
        // index, run, run/eval, sweep and its 4 runs, heatmap, the lab's measurement.
        Assert.Equal(10, pages.Length);
        foreach (var page in pages)
        {
            var html = File.ReadAllText(page);
            int images = Regex.Matches(html, "<img class=\"plot\"").Count;
            var dom = Chromium.DumpDom(page);
            Assert.Contains($"data-plots-rendered=\"{images}\"", dom);
            foreach (Match link in HrefPattern().Matches(dom))
            {
                var href = System.Net.WebUtility.HtmlDecode(link.Groups[1].Value);
                Assert.False(href.Contains("://"), $"{page}: link {href} leaves the report folder");
                if (href.StartsWith('#')) Assert.Contains($"id=\"{href[1..]}\"", dom);
                else
                {
                    var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(href)));
                    Assert.True(File.Exists(target), $"{page}: link {href} does not resolve ({target})");
                }
            }
        }
        Assert.Contains("data-plots-rendered=\"3\"", Chromium.DumpDom(Path.Combine(root, "sweep", "report.html")));
    }

    [GeneratedRegex("href=\"([^\"]*)\"")]
    private static partial Regex HrefPattern();

    private static class Chromium
    {
        public static string? Path { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

        public static string DumpDom(string page)
        {
            var profile = Directory.CreateTempSubdirectory("myopia-chromium-").FullName;
            try
            {
                var start = new System.Diagnostics.ProcessStartInfo(Path!)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
                             new Uri(page).AbsoluteUri })
                    start.ArgumentList.Add(a);
                using var p = System.Diagnostics.Process.Start(start)!;
                var stdout = p.StandardOutput.ReadToEndAsync();
                _ = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(TimeSpan.FromSeconds(90))) { p.Kill(true); throw new TimeoutException("chromium did not finish"); }
                return stdout.Result;
            }
            finally
            {
                try { Directory.Delete(profile, true); } catch (IOException) { }
            }
        }
    }
}
