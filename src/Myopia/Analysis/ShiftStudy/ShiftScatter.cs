using System.Globalization;
using System.Text.Json;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>One trained model's point: its baseline measurement of the protocol's main condition.</summary>
/// <param name="Group">The group key (<see cref="ShiftScatter.GroupKey"/>).</param>
/// <param name="Metric">Consistency for the random-pairs protocols, else P(top-1 change).</param>
public sealed record ShiftScatterPoint(string Folder, string Group, ShiftModelFacts Facts, long Images, double Accuracy, double Metric, double? WorstCase);

/// <summary>The models of one group (same architecture, BlurPool filter size, downsampling and padding): means and sample standard deviations over seeds.</summary>
/// <param name="Count">Models in the group (normally one per seed).</param>
/// <param name="AccuracyStd">Sample standard deviation (n − 1); 0 for one model.</param>
public sealed record ShiftScatterGroup(string Key, string Label, string Architecture, int Antialias, string Downsampling, int? Pad, string? PadMode, int Count,
    long?[] Seeds, double AccuracyMean, double AccuracyStd, double MetricMean, double MetricStd, double? WorstCaseMean, double? WorstCaseStd);

/// <summary>Zhang's plot across trained models: one protocol, groups of models, the metric against accuracy.</summary>
/// <param name="Metric">"consistency" (pairs protocols) or "p_change".</param>
/// <param name="Condition">The condition measured (the parameters string shared by every result).</param>
public sealed record ShiftScatterResult(string Protocol, string Metric, string Condition, IReadOnlyList<ShiftScatterPoint> Points, IReadOnlyList<ShiftScatterGroup> Groups)
{
    public IReadOnlyDictionary<string, object> Headline()
    {
        var h = new Dictionary<string, object> { ["protocol"] = Protocol, ["metric"] = Metric, ["models"] = Points.Count, ["groups"] = Groups.Count };
        foreach (var g in Groups)
        {
            h[$"{g.Key}_n"] = g.Count;
            h[$"{g.Key}_accuracy_mean"] = g.AccuracyMean;
            h[$"{g.Key}_accuracy_std"] = g.AccuracyStd;
            h[$"{g.Key}_{Metric}_mean"] = g.MetricMean;
            h[$"{g.Key}_{Metric}_std"] = g.MetricStd;
        }
        return h;
    }
}

/// <summary>
/// <c>myopia shift scatter</c>: reads the <c>shift.json</c> of several results of one protocol (e.g. one
/// per run of a sweep over antialias and seeds), takes each model's baseline measurement (the model as
/// trained, not its surgery copies) of the protocol's main condition, groups the models by
/// architecture, BlurPool filter size, downsampling and translation padding (<see cref="ShiftModelFacts"/>),
/// and gives per group the mean and sample standard deviation over seeds of accuracy and consistency
/// (random-pairs protocols) or P(top-1 change) (sequences of 1-px pairs).
/// </summary>
public static class ShiftScatter
{
    /// <param name="results">(where it came from, the parsed shift.json root) per result.</param>
    public static ShiftScatterResult Build(IReadOnlyList<(string Folder, JsonElement Root)> results)
    {
        if (results.Count == 0) throw new MyopiaException("shift scatter needs at least one shift result");
        var points = new List<ShiftScatterPoint>();
        string? protocol = null, condition = null, metric = null, first = null;
        foreach (var (folder, root) in results)
        {
            if (!root.TryGetProperty("result", out var result) || !result.TryGetProperty("measurements", out var measurements)
                || !result.TryGetProperty("protocol", out var p) || measurements.ValueKind != JsonValueKind.Array)
                throw new MyopiaException($"{folder} is not a 'myopia shift' result (no result.protocol and result.measurements)");
            string thisProtocol = p.GetString() ?? "";
            var main = measurements.EnumerateArray()
                .Where(m => Int(m, "antialias") == 0 && Str(m, "kind") != "grid").ToList();
            if (main.Count == 0) throw new MyopiaException($"{folder} has no baseline measurement of {thisProtocol}");
            if (main.Count > 1)
                throw new MyopiaException($"{folder}: protocol {thisProtocol} has {main.Count} conditions; shift scatter takes one-condition protocols (not size-sweep)");
            var m0 = main[0];
            string kind = Str(m0, "kind");
            string thisMetric = kind == "pairs" ? "consistency" : "p_change";
            string thisCondition = Str(m0, "parameters");
            if (protocol is null) { protocol = thisProtocol; condition = thisCondition; metric = thisMetric; first = folder; }
            else if (protocol != thisProtocol || condition != thisCondition)
                throw new MyopiaException($"mixed protocols: {first} is {protocol} ({condition}) but {folder} is {thisProtocol} ({thisCondition}); give results of one protocol");
            double accuracy = Num(m0, "accuracy");
            double value = thisMetric == "consistency" ? Num(m0, "consistency") : Num(m0, "p_change");
            if (double.IsNaN(accuracy) || double.IsNaN(value)) throw new MyopiaException($"{folder}: the baseline measurement has no accuracy or {thisMetric}");
            double? worst = null;
            var grid = measurements.EnumerateArray().FirstOrDefault(m => Int(m, "antialias") == 0 && Str(m, "kind") == "grid");
            if (grid.ValueKind == JsonValueKind.Object) worst = Num(grid, "worst_case");
            else if (kind != "pairs") worst = Num(m0, "worst_case");
            if (worst is { } w && double.IsNaN(w)) worst = null;
            var facts = ShiftModelFacts.FromShiftJson(root);
            points.Add(new ShiftScatterPoint(folder, "", facts, (long)Num(m0, "images"), accuracy, value, worst));
        }
        bool manyArchitectures = points.Select(q => q.Facts.Architecture).Distinct().Count() > 1;
        points = points.Select(q => q with { Group = GroupKey(q.Facts, manyArchitectures) }).ToList();
        var groups = points.GroupBy(q => q.Group)
            .Select(g =>
            {
                var list = g.ToList();
                var f = list[0].Facts;
                var worst = list.All(q => q.WorstCase is not null) ? list.Select(q => q.WorstCase!.Value).ToList() : null;
                return new ShiftScatterGroup(g.Key, Label(f, manyArchitectures), f.Architecture, f.Antialias, f.Downsampling, f.Pad, f.PadMode, list.Count,
                    list.Select(q => q.Facts.Seed).ToArray(), Mean(list.Select(q => q.Accuracy)), Std(list.Select(q => q.Accuracy)),
                    Mean(list.Select(q => q.Metric)), Std(list.Select(q => q.Metric)),
                    worst is null ? null : Mean(worst), worst is null ? null : Std(worst));
            })
            .OrderBy(g => g.Architecture, StringComparer.Ordinal).ThenBy(g => g.Downsampling, StringComparer.Ordinal)
            .ThenBy(g => g.Pad ?? -1).ThenBy(g => g.Antialias).ToList();
        return new ShiftScatterResult(protocol!, metric!, condition!, points, groups);
    }

    /// <summary>"aa5", "baseline", "aps", with "_pad4" (or "_pad4reflect") for translation padding and the architecture first when they differ.</summary>
    public static string GroupKey(ShiftModelFacts f, bool withArchitecture)
    {
        string key = f.Downsampling == "aps" ? (f.Antialias > 0 ? $"aps_aa{f.Antialias}" : "aps") : f.Antialias > 0 ? $"aa{f.Antialias}" : "baseline";
        if (f.Pad > 0) key += $"_pad{f.Pad}" + (f.PadMode is { } mode && mode != "zero" ? mode : "");
        return withArchitecture ? $"{f.Architecture}_{key}" : key;
    }

    /// <summary>The figure's label: "m=5", "plain", "APS", with "+pad 4".</summary>
    public static string Label(ShiftModelFacts f, bool withArchitecture)
    {
        string label = f.Downsampling == "aps" ? (f.Antialias > 0 ? $"APS m={f.Antialias}" : "APS") : f.Antialias > 0 ? $"m={f.Antialias}" : "plain";
        if (f.Pad > 0) label += $" +pad {f.Pad}" + (f.PadMode is { } mode && mode != "zero" ? $" {mode}" : "");
        return withArchitecture ? $"{f.Architecture} {label}" : label;
    }

    public static double Mean(IEnumerable<double> values) => values.Average();

    /// <summary>Sample standard deviation (n − 1 in the denominator); 0 for a single value.</summary>
    public static double Std(IEnumerable<double> values)
    {
        var v = values.ToList();
        if (v.Count < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
    }

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    private static double Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => double.NaN,
    } : double.NaN;
}
