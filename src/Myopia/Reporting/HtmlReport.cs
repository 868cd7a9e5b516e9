using Myopia.IO;
using System.Net;
using System.Text;

namespace Myopia.Reporting;

/// <summary>
/// One self-contained HTML page for a run or sweep folder: every plot embedded (base64 PNG), its
/// CSV tables, configuration and timing, readable offline and attachable to an email.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    /// <summary>Writes DIR/report.html and returns its path.</summary>
    public static string Write(string folder)
    {
        if (!Directory.Exists(folder)) throw new MyopiaException($"run or sweep folder not found: {folder}");
        folder = Path.GetFullPath(folder);
        bool isSweep = File.Exists(Path.Combine(folder, "sweep.json"));
        bool isRun = File.Exists(Path.Combine(folder, "metrics.csv")) || File.Exists(Path.Combine(folder, "summary.json"));
        var pngs = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).ToList();
        var csvs = Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).ToList();
        if (!isSweep && !isRun && pngs.Count == 0 && csvs.Count == 0)
            throw new MyopiaException($"{folder} holds no run or sweep results (no metrics.csv, results.csv, summary.json or plots)");

        // A lab's result folder is named by the JSON it holds; its headline is the summary table.
        var lab = LabResults.FirstOrDefault(l => File.Exists(Path.Combine(folder, l.File)));
        string kind = isSweep ? "sweep" : isRun ? "run" : lab.Title ?? "results";
        string title = $"Myopia {kind}: {Path.GetFileName(folder)}";
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{Enc(title)}}</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
            table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
            th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; } th { background: #f4f4f4; }
            td:first-child, th:first-child { text-align: left; }
            figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
            figcaption { color: #666; font-size: .85rem; } pre { background: #f7f7f7; padding: .8rem; overflow-x: auto; font-size: .8rem; }
            .muted { color: #777; font-size: .85rem; }
            </style></head>
            <body>
            <h1>{{Enc(title)}}</h1>
            <p class="muted">{{Enc(folder)}} &middot; generated {{DateTime.Now:yyyy-MM-dd HH:mm}}</p>

            """);

        if (lab.File is not null && Headline(Path.Combine(folder, lab.File)) is { } headline)
            html.Append("<h2>Headline</h2>\n").Append(headline);

        var markdown = Path.Combine(folder, "report.md");
        if (File.Exists(markdown))
            html.Append("<h2>Summary</h2>\n").Append(MarkdownTables(File.ReadAllText(markdown)));

        if (pngs.Count > 0)
        {
            html.Append("<h2>Figures</h2>\n");
            foreach (var png in pngs)
                html.Append($"<figure><img class=\"plot\" alt=\"{Enc(Path.GetFileName(png))}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\">" +
                            $"<figcaption>{Enc(Path.GetFileName(png))}</figcaption></figure>\n");
        }
        foreach (var csv in csvs)
            html.Append($"<h2>{Enc(Path.GetFileName(csv))}</h2>\n").Append(CsvTable(csv));

        if (isSweep)
        {
            var runs = Path.Combine(folder, "runs");
            if (Directory.Exists(runs))
            {
                html.Append("<h2>Runs</h2>\n<table><tr><th>run</th><th>report</th></tr>\n");
                foreach (var run in Directory.GetDirectories(runs).Order(StringComparer.Ordinal))
                    html.Append($"<tr><td>{Enc(Path.GetFileName(run))}</td><td>{(File.Exists(Path.Combine(run, "report.md")) ? "report.md" : "")}</td></tr>\n");
                html.Append("</table>\n");
            }
        }
        foreach (var name in new[] { "config.json", "sweep.json", "summary.json" })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path))
                html.Append($"<h2>{name}</h2>\n<pre>{Enc(File.ReadAllText(path))}</pre>\n");
        }
        // Marks the page once loaded with how many plots actually decoded; the rendering test reads it.
        html.Append("""
            <script>
            window.addEventListener('load', function () {
              var ok = Array.prototype.filter.call(document.querySelectorAll('img.plot'), function (i) { return i.complete && i.naturalWidth > 0; }).length;
              document.body.setAttribute('data-plots-rendered', String(ok));
            });
            </script>
            </body></html>

            """);
        var output = Path.Combine(folder, FileName);
        AtomicFile.WriteAllText(output, html.ToString());
        return output;
    }

    private static readonly (string File, string Title)[] LabResults =
    [
        ("diffeo.json", "diffeo lab"), ("shift.json", "shift lab"), ("scatter.json", "scatter"), ("pooling.json", "idealised pooling networks"),
        ("scale1d.json", "1-D scale detection"), ("bench-shift.json", "shift benchmark"),
    ];

    /// <summary>The "headline" object of a lab's JSON as a two-column table, or null when it has none.</summary>
    private static string? Headline(string jsonPath)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(jsonPath));
            if (!doc.RootElement.TryGetProperty("headline", out var headline) || headline.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
            var sb = new StringBuilder("<table>\n<tr><th>figure</th><th>value</th></tr>\n");
            foreach (var p in headline.EnumerateObject())
            {
                string value = p.Value.ValueKind == System.Text.Json.JsonValueKind.Number && p.Value.TryGetDouble(out var d)
                    ? d.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : p.Value.ToString();
                sb.Append($"<tr><td>{Enc(p.Name)}</td><td>{Enc(value)}</td></tr>\n");
            }
            return sb.Append("</table>\n").ToString();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static string CsvTable(string path, int maxRows = 500)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) return "<p class=\"muted\">(empty)</p>\n";
        var sb = new StringBuilder("<table>\n<tr>");
        foreach (var h in lines[0].Split(',')) sb.Append($"<th>{Enc(h)}</th>");
        sb.Append("</tr>\n");
        foreach (var line in lines.Skip(1).Take(maxRows))
        {
            sb.Append("<tr>");
            foreach (var cell in line.Split(',')) sb.Append($"<td>{Enc(cell)}</td>");
            sb.Append("</tr>\n");
        }
        if (lines.Count - 1 > maxRows) sb.Append($"<tr><td colspan=\"99\">... {lines.Count - 1 - maxRows} more rows</td></tr>\n");
        return sb.Append("</table>\n").ToString();
    }

    // The report.md files this project writes use headings, paragraphs and pipe tables only.
    private static string MarkdownTables(string markdown)
    {
        var sb = new StringBuilder();
        var table = new List<string[]>();
        void Flush()
        {
            if (table.Count == 0) return;
            sb.Append("<table>\n");
            for (int i = 0; i < table.Count; i++)
            {
                sb.Append("<tr>");
                foreach (var c in table[i]) sb.Append(i == 0 ? $"<th>{Enc(c)}</th>" : $"<td>{Enc(c)}</td>");
                sb.Append("</tr>\n");
            }
            sb.Append("</table>\n");
            table.Clear();
        }
        bool inCode = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("```")) { inCode = !inCode; Flush(); continue; }
            if (inCode || line.StartsWith("![")) continue;
            if (line.StartsWith('|'))
            {
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':'))) continue;
                table.Add(cells);
                continue;
            }
            Flush();
            if (line.StartsWith("## ")) sb.Append($"<h3>{Enc(line[3..])}</h3>\n");
            else if (line.StartsWith("# ")) sb.Append($"<h3>{Enc(line[2..])}</h3>\n");
            else if (line.Length > 0) sb.Append($"<p>{Enc(line.Replace("`", ""))}</p>\n");
        }
        Flush();
        return sb.ToString();
    }
}
