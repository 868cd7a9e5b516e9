namespace Myopia.Reporting;

/// <summary>
/// What a results folder holds, recognised by the file its command writes: a sweep (sweep.json), a
/// training run (metrics.csv), an evaluation (eval.json), a heatmap, an agreement study, a lab
/// (its JSON, whose "headline" the page shows), or plain figures and tables.
/// </summary>
public sealed record ReportFolder(string Kind, string? LabJson)
{
    private static readonly (string File, string Kind)[] Labs =
    [
        ("diffeo.json", "diffeo lab"), ("shift.json", "shift lab"), ("internal-shift.json", "shift lab (internal)"), ("scatter.json", "shift scatter"),
        ("pooling.json", "idealised pooling networks"), ("scale1d.json", "1-D scale detection"), ("bench-shift.json", "shift benchmark"),
        ("bench-diffeo.json", "diffeo benchmark"), ("bench.json", "benchmark"), ("agreement.json", "agreement"), ("heatmap.json", "heatmap"),
        ("eval.json", "evaluation"),
    ];

    /// <summary>The folder's kind, or null when it holds no results of its own (no plots, tables or known JSON).</summary>
    public static ReportFolder? Classify(string folder)
    {
        bool Has(string name) => File.Exists(Path.Combine(folder, name));
        if (Has("sweep.json")) return new ReportFolder("sweep", null);
        // The linear lab writes config.json and summary.json like a run, and its curves as cnn.csv.
        if (Has("cnn.csv") && Has("summary.json")) return new ReportFolder("linear lab", null);
        if (Has("metrics.csv") || (Has("summary.json") && Has("config.json"))) return new ReportFolder("run", null);
        foreach (var (file, kind) in Labs)
            if (Has(file)) return new ReportFolder(kind, file);
        return Directory.EnumerateFiles(folder, "*.png").Any() || Directory.EnumerateFiles(folder, "*.csv").Any() ? new ReportFolder("results", null) : null;
    }
}
