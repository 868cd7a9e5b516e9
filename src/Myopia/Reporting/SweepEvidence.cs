using Myopia.Evaluation;
using Myopia.Experiments;
using Myopia.IO;
using Myopia.Statistics;
using Myopia.Training;

namespace Myopia.Reporting;

/// <summary>
/// One accuracy of a sweep cell over its seeds: the mean, the standard deviation when there are two
/// seeds or more, the test images each seed was measured on, and a 95% interval that covers both
/// test-set sampling and seed variation: from the lowest seed's Clopper–Pearson lower bound to the
/// highest seed's upper bound (conservative; with one seed, test-set sampling only).
/// </summary>
public sealed record SeedAccuracy(double Mean, double? Std, int Seeds, int? Images, double? Lower, double? Upper)
{
    public bool HasInterval => Lower is not null && Upper is not null;

    /// <summary>True when both intervals are known and share a point: the two accuracies differ within noise.</summary>
    public bool OverlapsWith(SeedAccuracy other) => HasInterval && other.HasInterval && Lower <= other.Upper && other.Lower <= Upper;

    public static SeedAccuracy From(IReadOnlyList<(double Accuracy, int? Images)> seeds)
    {
        double mean = seeds.Average(s => s.Accuracy);
        double? std = seeds.Count >= 2 ? Math.Sqrt(seeds.Sum(s => (s.Accuracy - mean) * (s.Accuracy - mean)) / (seeds.Count - 1)) : null;
        var counts = seeds.Select(s => s.Images).Distinct().ToList();
        int? images = counts.Count == 1 ? counts[0] : null;
        if (seeds.Any(s => s.Images is null)) return new SeedAccuracy(mean, std, seeds.Count, images, null, null);
        var intervals = seeds.Select(s => ClopperPearson.ForAccuracy(s.Accuracy, s.Images!.Value)).ToList();
        return new SeedAccuracy(mean, std, seeds.Count, images, intervals.Min(i => i.Lower), intervals.Max(i => i.Upper));
    }
}

/// <summary>A (model, tile) cell of a sweep with mode A (full images) and, for tiles, mode B (patch-averaged), each with its evidence.</summary>
public sealed record SweepCellEvidence(string Model, int Tile, SeedAccuracy ModeA, SeedAccuracy? ModeB)
{
    public string TileName => Tile == 0 ? "full images" : $"T = {Tile}";

    /// <summary>
    /// The test images behind each run's accuracies, read from the run folders: summary.json's
    /// test_images (older summaries: the sweep's --test-limit, or mode B's count when mode B used
    /// every test image) and patch-eval.json's image count.
    /// </summary>
    public static List<SweepCellEvidence> From(SweepResult result, SweepSpec spec)
    {
        var cells = new List<SweepCellEvidence>();
        foreach (var group in result.Rows.GroupBy(r => (r.Model, r.Tile))
                     .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Tile == 0 ? int.MaxValue : g.Key.Tile))
        {
            var a = new List<(double, int?)>();
            var b = new List<(double, int?)>();
            foreach (var row in group)
            {
                var dir = Path.Combine(result.SweepDir, "runs", row.Name);
                int? patchImages = Read<EvaluationResult>(Path.Combine(dir, "patch-eval.json"))?.Count;
                int? testImages = Read<TrainingResult>(Path.Combine(dir, "summary.json"))?.TestImages
                                  ?? spec.Base.TestLimit ?? (spec.PatchTestLimit is null ? patchImages : null);
                a.Add((row.FinalAcc, testImages));
                if (row.PatchAcc is { } p) b.Add((p, patchImages));
            }
            cells.Add(new SweepCellEvidence(group.Key.Model, group.Key.Tile, SeedAccuracy.From(a), b.Count > 0 ? SeedAccuracy.From(b) : null));
        }
        return cells;
    }

    private static T? Read<T>(string path) where T : class
    {
        if (!File.Exists(path)) return null;
        try { return JsonOutput.Deserialize<T>(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
