using System.Diagnostics;
using Myopia.Reporting;
using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Reporting;

public class HtmlReportTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-report-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string TrainedRun()
    {
        using var data = TinyData.Quadrants(train: 32, test: 16);
        var options = new TrainOptions { Data = "tiny", Epochs = 2, Batch = 16 };
        var result = new Trainer(options, data, root).Run();
        RunReport.Write(new RunFolder(root), result, options);
        return root;
    }

    [Fact]
    public void ReportIsSelfContainedWithEveryPlotEmbedded()
    {
        var html = File.ReadAllText(HtmlReport.Write(TrainedRun()));
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("src=\"curves.png\"", html);
        Assert.Contains("metrics.csv", html);
        Assert.Contains("config.json", html);
    }

    public sealed class ChromiumFactAttribute : FactAttribute
    {
        public ChromiumFactAttribute()
        {
            if (Chromium.Path is null) Skip = "chromium not installed (apt-get install chromium; .ci/run installs it)";
        }
    }

    [ChromiumFact]
    public void HeadlessChromiumRendersTheReportsPlots()
    {
        var page = HtmlReport.Write(TrainedRun());
        int plots = Directory.GetFiles(root, "*.png").Length;
        Assert.True(plots >= 1);
        var dom = Chromium.DumpDom(page);
        Assert.Contains($"data-plots-rendered=\"{plots}\"", dom);
    }

    private static class Chromium
    {
        public static string? Path { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

        public static string DumpDom(string page)
        {
            var profile = Directory.CreateTempSubdirectory("myopia-chromium-").FullName;
            try
            {
                var start = new ProcessStartInfo(Path!)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", "file://" + page })
                    start.ArgumentList.Add(a);
                using var p = Process.Start(start)!;
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
