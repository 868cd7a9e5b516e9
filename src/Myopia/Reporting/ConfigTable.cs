using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Myopia.Reporting;

/// <summary>
/// A configuration JSON (config.json, sweep.json) as a two-column table of option and value, nested
/// objects flattened to dotted names, so that a reader scans it instead of parsing raw JSON. Null
/// options (left at their defaults) are left out.
/// </summary>
public static class ConfigTable
{
    public static string? FromFile(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var rows = new List<(string, string)>();
            Flatten(doc.RootElement, "", rows);
            if (rows.Count == 0) return null;
            var sb = new StringBuilder("<table class=\"config\">\n<tr><th>option</th><th>value</th></tr>\n");
            foreach (var (name, value) in rows) sb.Append($"<tr><td>{Enc(name)}</td><td>{Enc(value)}</td></tr>\n");
            return sb.Append("</table>\n").ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Flatten(JsonElement e, string prefix, List<(string, string)> rows)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", rows);
                break;
            case JsonValueKind.Array when e.EnumerateArray().All(x => x.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)):
                rows.Add((prefix, string.Join(", ", e.EnumerateArray().Select(Scalar))));
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var x in e.EnumerateArray()) Flatten(x, $"{prefix}[{i++}]", rows);
                break;
            case JsonValueKind.Null:
                break;
            default:
                rows.Add((prefix, Scalar(e)));
                break;
        }
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetDouble(out var d) => d.ToString("G6", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.ToString(),
    };

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
