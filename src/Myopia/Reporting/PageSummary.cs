using System.Globalization;
using System.Text.Json;

namespace Myopia.Reporting;

/// <summary>
/// One line that says what a results folder found, for the index of its parent page: a run's final
/// test accuracy, a sweep's size, an evaluation's top-1, the first figures of a lab's headline.
/// </summary>
public static class PageSummary
{
    public static string Of(string folder, ReportFolder? kind)
    {
        try
        {
            return kind?.Kind switch
            {
                "run" => Run(folder),
                "sweep" => Sweep(folder),
                _ when kind?.LabJson is { } lab => Headline(Path.Combine(folder, lab)),
                _ => "",
            };
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static JsonElement? Root(string path)
    {
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static string Run(string folder)
    {
        if (Root(Path.Combine(folder, "summary.json")) is not { } s || !s.TryGetProperty("final", out var f) || f.ValueKind != JsonValueKind.Object) return "";
        string images = s.TryGetProperty("test_images", out var n) && n.ValueKind == JsonValueKind.Number ? $" on {n.GetInt32():N0} test images" : "";
        return string.Create(CultureInfo.InvariantCulture, $"test accuracy {100 * f.GetProperty("test_acc").GetDouble():F1}% at epoch {f.GetProperty("epoch").GetInt32()}{images}");
    }

    private static string Sweep(string folder)
    {
        if (Root(Path.Combine(folder, "results.json")) is not { } r || !r.TryGetProperty("rows", out var rows)) return "";
        return $"{rows.GetArrayLength()} runs; intervals and conclusion on its page";
    }

    // The first three figures of the headline; the page shows all of them.
    private static string Headline(string path)
    {
        if (Root(path) is not { } root) return "";
        if (root.TryGetProperty("headline", out var h) && h.ValueKind == JsonValueKind.Object)
            return string.Join(", ", h.EnumerateObject().Take(3).Select(p => $"{p.Name} {Value(p.Value)}"));
        if (root.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array && root.TryGetProperty("tile", out var tile))
            return $"tiles T = {tile}, {images.GetArrayLength()} images";
        if (root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            return string.Join(", ", results.EnumerateArray().Where(e => e.TryGetProperty("top1", out _))
                .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.GetProperty("mode").GetString()} top-1 {100 * e.GetProperty("top1").GetDouble():F1}%")));
        return "";
    }

    private static string Value(JsonElement v) => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d)
        ? d.ToString("G4", CultureInfo.InvariantCulture) : v.ToString();
}
