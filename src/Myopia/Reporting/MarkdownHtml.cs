using System.Net;
using System.Text;

namespace Myopia.Reporting;

/// <summary>
/// The report.md files this project writes (headings, paragraphs, pipe tables, fenced code) as HTML.
/// Fenced code (a run's configuration JSON) is left out: the page shows the configuration once, as a
/// table; a heading whose section ends up empty is left out with it.
/// </summary>
public static class MarkdownHtml
{
    public static string Convert(string markdown)
    {
        var sections = new List<(string? Heading, StringBuilder Body)> { (null, new StringBuilder()) };
        var table = new List<string[]>();
        void Flush()
        {
            if (table.Count == 0) return;
            var body = sections[^1].Body.Append("<table>\n");
            for (int i = 0; i < table.Count; i++)
            {
                body.Append("<tr>");
                foreach (var c in table[i]) body.Append(i == 0 ? $"<th>{Enc(c)}</th>" : $"<td>{Enc(c)}</td>");
                body.Append("</tr>\n");
            }
            body.Append("</table>\n");
            table.Clear();
        }
        bool inCode = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("```")) { inCode = !inCode; Flush(); continue; }
            // Images are embedded by the page itself, under Figures.
            if (inCode || line.StartsWith("![")) continue;
            if (line.StartsWith('|'))
            {
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':'))) continue;
                table.Add(cells);
                continue;
            }
            Flush();
            if (line.StartsWith('#')) sections.Add((line.TrimStart('#').Trim(), new StringBuilder()));
            else if (line.Length > 0) sections[^1].Body.Append($"<p>{Enc(line.Replace("`", ""))}</p>\n");
        }
        Flush();
        var html = new StringBuilder();
        foreach (var (heading, body) in sections)
        {
            if (body.Length == 0) continue;
            if (heading is not null) html.Append($"<h3>{Enc(heading)}</h3>\n");
            html.Append(body);
        }
        return html.ToString();
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
