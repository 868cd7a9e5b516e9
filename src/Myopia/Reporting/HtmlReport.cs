using Myopia.IO;
using System.Globalization;
using System.Net;
using System.Text;

namespace Myopia.Reporting;

/// <summary>
/// HTML pages for a folder of results and every results folder below it (a sweep's runs, a run's
/// eval/ folders, heatmap, agreement, linear, shift and diffeo folders): each page embeds its plots
/// (base64 PNG, readable offline), links each plot's SVG, shows small CSVs as tables and links large
/// ones, shows the configuration once as a table, and links up to its parent page and down to its
/// children, so the top page is a navigable index.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    /// <summary>CSV files up to this many data rows are shown as tables; longer ones are linked.</summary>
    public const int InlineCsvRows = 40;

    /// <summary>How deep below the given folder results folders are looked for.</summary>
    private const int MaxDepth = 4;

    /// <summary>Writes DIR/report.html and one page in every results folder below it; returns the top page's path.</summary>
    public static string Write(string folder)
    {
        if (!Directory.Exists(folder)) throw new MyopiaException($"run or sweep folder not found: {folder}");
        folder = Path.GetFullPath(folder);
        if (ReportFolder.Classify(folder) is null && Children(folder, 0).Count == 0)
            throw new MyopiaException($"{folder} holds no run or sweep results (no metrics.csv, results.csv, summary.json, lab JSON or plots), nor any folder below it that does");
        WritePage(folder, parent: null, depth: 0);
        return Path.Combine(folder, FileName);
    }

    private static void WritePage(string folder, string? parent, int depth)
    {
        var kind = ReportFolder.Classify(folder);
        var children = Children(folder, depth);
        foreach (var child in children) WritePage(child, folder, depth + Depth(folder, child));
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), Page(folder, kind, parent, children));
    }

    private static int Depth(string from, string to) => Path.GetRelativePath(from, to).Split(Path.DirectorySeparatorChar).Length;

    // The nearest results folders below: folders without results of their own (a sweep's runs/, a lab's
    // top folder of measurements) are passed through; arrays/ (one .npy per image) is data, not a page.
    private static List<string> Children(string folder, int depth)
    {
        var found = new List<string>();
        if (depth >= MaxDepth) return found;
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith('.') || name == "arrays") continue;
            if (ReportFolder.Classify(dir) is not null) found.Add(dir);
            else found.AddRange(Children(dir, depth + 1));
        }
        return found;
    }

    private static string Page(string folder, ReportFolder? kind, string? parent, List<string> children)
    {
        string title = $"Myopia {kind?.Kind ?? "results"}: {Path.GetFileName(folder)}";
        var body = new StringBuilder();
        var toc = new List<(string Id, string Name)>();
        void Section(string id, string name, string content)
        {
            if (content.Length == 0) return;
            toc.Add((id, name));
            body.Append($"<h2 id=\"{id}\">{Enc(name)}</h2>\n").Append(content);
        }

        if (kind?.LabJson is { } lab) Section("headline", "Headline", Headline(Path.Combine(folder, lab)) ?? "");
        var markdown = Path.Combine(folder, "report.md");
        if (File.Exists(markdown)) Section("summary", "Summary", MarkdownHtml.Convert(File.ReadAllText(markdown)));

        var figures = new StringBuilder();
        foreach (var png in Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(png);
            string svg = PlotFile.SvgPath(png);
            string vector = File.Exists(svg) ? $" &middot; <a href=\"{Href(folder, svg)}\">SVG</a>" : "";
            figures.Append($"<figure><img class=\"plot\" alt=\"{Enc(name)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\">" +
                           $"<figcaption>{Enc(name)} &middot; <a href=\"{Href(folder, png)}\">PNG</a>{vector}</figcaption></figure>\n");
        }
        Section("figures", "Figures", figures.ToString());

        var tables = new StringBuilder();
        foreach (var csv in Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal))
            // A run's report.md already tabulates metrics.csv per epoch: the page links the file instead of repeating it.
            tables.Append(CsvSection(folder, csv, inline: !(kind?.Kind == "run" && Path.GetFileName(csv) == "metrics.csv" && File.Exists(markdown))));
        Section("tables", "Tables", tables.ToString());

        if (children.Count > 0)
        {
            var list = new StringBuilder("<table class=\"config\">\n<tr><th>page</th><th>kind</th><th>found</th></tr>\n");
            foreach (var child in children)
            {
                var childKind = ReportFolder.Classify(child);
                list.Append($"<tr><td><a href=\"{Href(folder, Path.Combine(child, FileName))}\">{Enc(Path.GetRelativePath(folder, child))}</a></td>" +
                            $"<td>{Enc(childKind?.Kind ?? "results")}</td><td>{Enc(PageSummary.Of(child, childKind))}</td></tr>\n");
            }
            Section("contents", kind?.Kind == "sweep" ? "Runs" : "Contents", list.Append("</table>\n").ToString());
        }

        // The configuration once: a sweep's or a run's own file, not the copies and summaries derived from it.
        var config = new[] { "sweep.json", "config.json" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        if (config is not null && ConfigTable.FromFile(config) is { } table)
            Section("configuration", "Configuration", $"<p class=\"muted\">from <a href=\"{Href(folder, config)}\">{Enc(Path.GetFileName(config))}</a></p>\n{table}");

        var files = Directory.GetFiles(folder).Where(f => !f.EndsWith(".png") && !f.EndsWith(".svg") && !f.EndsWith(".csv") && Path.GetFileName(f) != FileName)
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count > 0)
            Section("files", "Files", "<ul class=\"files\">\n" + string.Concat(files.Select(f =>
                $"<li><a href=\"{Href(folder, f)}\">{Enc(Path.GetFileName(f))}</a> <span class=\"muted\">{Size(new FileInfo(f).Length)}</span></li>\n")) + "</ul>\n");

        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{Enc(title)}}</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
            table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; display: block; max-width: 100%; overflow-x: auto; }
            th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; } th { background: #f4f4f4; }
            td:first-child, th:first-child { text-align: left; } table.config td, table.config th { text-align: left; }
            figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
            figcaption { color: #666; font-size: .85rem; }
            nav { font-size: .9rem; } nav a { margin-right: .8rem; }
            .muted { color: #777; font-size: .85rem; }
            </style></head>
            <body>

            """);
        // A run of a sweep reported on its own still links to the sweep's page, when there is one.
        var sweepPage = Path.Combine(folder, "..", "..", FileName);
        if (parent is null && kind?.Kind == "run" && File.Exists(Path.Combine(folder, "..", "..", "sweep.json")) && File.Exists(sweepPage))
            parent = Path.GetFullPath(Path.Combine(folder, "..", ".."));
        if (parent is not null)
            html.Append($"<nav class=\"up\"><a href=\"{Href(folder, Path.Combine(parent, FileName))}\">&uarr; {Enc(ReportFolder.Classify(parent)?.Kind ?? "index")}: {Enc(Path.GetFileName(parent))}</a></nav>\n");
        html.Append($"<h1>{Enc(title)}</h1>\n<p class=\"muted\">{Enc(folder)} &middot; generated {DateTime.Now:yyyy-MM-dd HH:mm}</p>\n");
        if (toc.Count > 1) html.Append("<nav class=\"toc\">").AppendJoin("", toc.Select(t => $"<a href=\"#{t.Id}\">{Enc(t.Name)}</a>")).Append("</nav>\n");
        html.Append(body);
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
        return html.ToString();
    }

    /// <summary>A relative, URL-escaped link from a page in <paramref name="folder"/> to <paramref name="target"/>.</summary>
    private static string Href(string folder, string target) =>
        string.Join('/', Path.GetRelativePath(folder, target).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MB"),
    };

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
                    ? d.ToString("G4", CultureInfo.InvariantCulture) : p.Value.ToString();
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

    // A small CSV as a table under its name; a large one as a link with its size, so pages stay readable.
    private static string CsvSection(string folder, string path, bool inline = true)
    {
        string name = Path.GetFileName(path);
        var lines = File.ReadLines(path).Where(l => l.Length > 0).Take(InlineCsvRows + 2).ToList();
        string link = $"<a href=\"{Href(folder, path)}\">{Enc(name)}</a>";
        if (lines.Count == 0) return $"<h3>{link}</h3>\n<p class=\"muted\">(empty)</p>\n";
        if (!inline) return $"<h3>{link}</h3>\n<p class=\"muted\">shown per epoch under Summary.</p>\n";
        if (lines.Count - 1 > InlineCsvRows)
        {
            long rows = File.ReadLines(path).LongCount(l => l.Length > 0) - 1;
            return $"<h3>{link}</h3>\n<p class=\"muted\">{rows:N0} rows &times; {lines[0].Split(',').Length} columns ({Size(new FileInfo(path).Length)}): too long to show here; follow the link.</p>\n";
        }
        var sb = new StringBuilder($"<h3>{link}</h3>\n<table>\n<tr>");
        foreach (var h in lines[0].Split(',')) sb.Append($"<th>{Enc(h)}</th>");
        sb.Append("</tr>\n");
        foreach (var line in lines.Skip(1))
        {
            sb.Append("<tr>");
            foreach (var cell in line.Split(',')) sb.Append($"<td>{Enc(cell)}</td>");
            sb.Append("</tr>\n");
        }
        return sb.Append("</table>\n").ToString();
    }
}
