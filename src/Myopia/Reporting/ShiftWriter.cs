using System.Globalization;
using System.Text;
using Myopia.Analysis.ShiftStudy;
using Myopia.Classifiers;
using Myopia.IO;

namespace Myopia.Reporting;

/// <summary>
/// Writes a shift-sensitivity result: <c>shift.csv</c> (one row per condition and model), <c>shift-curves.csv</c>
/// (p_true and accuracy per offset), <c>shift-rows.csv</c> (p_true of every image at every offset),
/// <c>shift.json</c>, and the figures of <see cref="ShiftPlots"/>.
/// </summary>
public static class ShiftWriter
{
    public static IReadOnlyList<string> Write(ShiftResult result, Classifier classifier, string outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", inv);
        string N(double? v) => v is { } x ? F(x) : "";
        var csv = new StringBuilder("model,antialias,condition,kind,scale,embed_side,boundary,background,images,pairs,p_change,mac,accuracy,consistency,worst_case,views_per_image,jaggedness,parameters\n");
        foreach (var m in result.Measurements)
            csv.Append(string.Join(',', m.Model, m.Antialias, Quote(m.Condition), m.Kind, F(m.Scale), m.EmbedSide?.ToString(inv) ?? "", m.Boundary, m.Background,
                m.Images, m.Pairs, F(m.PChange), F(m.Mac), F(m.Accuracy), N(m.Consistency), F(m.WorstCase), m.ViewsPerImage, N(m.Jaggedness), Quote(m.Parameters))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, "shift.csv"), csv.ToString());

        var curves = new StringBuilder("model,antialias,condition,offset,p_true,accuracy\n");
        var rows = new StringBuilder();
        int width = result.Measurements.Where(m => m.Rows.Count > 0).Select(m => m.Offsets.Length).DefaultIfEmpty(0).Max();
        rows.Append("model,antialias,condition,image,label_p_true_at_view...");
        rows.Append('\n');
        foreach (var m in result.Measurements.Where(m => m.PTrue.Length > 0))
        {
            for (int t = 0; t < m.PTrue.Length; t++)
                curves.Append(string.Join(',', m.Model, m.Antialias, Quote(m.Condition), F(m.Offsets[t]), F(m.PTrue[t]), F(m.Correct[t]))).Append('\n');
            for (int i = 0; i < m.Rows.Count; i++)
                rows.Append(string.Join(',', m.Model, m.Antialias, Quote(m.Condition), m.RowImages[i].ToString(inv)))
                    .Append(',').Append(string.Join(',', m.Rows[i].Select(v => v.ToString("G5", inv)))).Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, "shift-curves.csv"), curves.ToString());
        AtomicFile.WriteAllText(Path.Combine(outDir, "shift-rows.csv"), rows.ToString());
        JsonOutput.WriteFile(Path.Combine(outDir, "shift.json"), new
        {
            model = classifier.Card.Source, architecture = classifier.Card.Architecture, compute = classifier.ComputeSummary,
            model_facts = ShiftModelFacts.Of(classifier.Card), headline = result.Headline(), result,
        });
        string on = classifier.Card.Dataset is { } d ? $" on {d}" : "";
        return ShiftPlots.Write(result, $"{classifier.Label}{on}, {result.Protocol} ({result.Images} images)", outDir);
    }

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}

/// <summary>
/// Writes <c>myopia shift scatter</c>: <c>scatter.csv</c> (one row per group: counts, means, standard
/// deviations), <c>scatter.json</c> (headline, groups and every model's point) and <c>shift-scatter.png</c>.
/// </summary>
public static class ShiftScatterWriter
{
    public static string Write(ShiftScatterResult result, string outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", inv);
        string N(double? v) => v is { } x ? F(x) : "";
        string metric = result.Metric;
        var csv = new StringBuilder($"group,label,architecture,antialias,downsampling,pad,pad_mode,n,seeds,accuracy_mean,accuracy_std,{metric}_mean,{metric}_std,worst_case_mean,worst_case_std\n");
        foreach (var g in result.Groups)
            csv.Append(string.Join(',', g.Key, g.Label, g.Architecture, g.Antialias, g.Downsampling, g.Pad?.ToString(inv) ?? "", g.PadMode ?? "", g.Count,
                string.Join(' ', g.Seeds.Select(s => s?.ToString(inv) ?? "?")), F(g.AccuracyMean), F(g.AccuracyStd), F(g.MetricMean), F(g.MetricStd),
                N(g.WorstCaseMean), N(g.WorstCaseStd))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, "scatter.csv"), csv.ToString());
        JsonOutput.WriteFile(Path.Combine(outDir, "scatter.json"), new { headline = result.Headline(), result });
        var png = Path.Combine(outDir, "shift-scatter.png");
        long images = result.Points.Select(p => p.Images).Distinct().Count() == 1 ? result.Points[0].Images : 0;
        ShiftPlots.Scatter(result, $"{result.Protocol}, {result.Points.Count} model{(result.Points.Count == 1 ? "" : "s")}" + (images > 0 ? $", {images} images" : ""), png);
        return png;
    }
}
