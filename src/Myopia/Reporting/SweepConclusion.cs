using System.Globalization;

namespace Myopia.Reporting;

/// <summary>
/// The written conclusion of a sweep, which claims only what its intervals support: one accuracy
/// beats another only when their 95% intervals are disjoint, "within noise" when they overlap, and no
/// comparison at all between numbers measured on different test images.
/// </summary>
public static class SweepConclusion
{
    public static string For(string model, IReadOnlyList<SweepCellEvidence> cells)
    {
        var c = CultureInfo.InvariantCulture;
        var full = cells.FirstOrDefault(x => x.Tile == 0);
        var tiled = cells.Where(x => x.Tile > 0).ToList();
        if (full is null || tiled.Count == 0)
        {
            var only = cells.MaxBy(x => x.ModeA.Mean)!;
            return $"{model}: highest mode A accuracy at {only.TileName} ({Describe(only.ModeA)}); no full-image run and tiled run to compare.";
        }
        var sentences = new List<string>();
        var bestA = tiled.MaxBy(x => x.ModeA.Mean)!;
        sentences.Add($"{model}, mode A: {Compare($"training on {bestA.TileName}", bestA.ModeA, "full-image training", full.ModeA)}");
        var bestB = tiled.Where(x => x.ModeB is not null).MaxBy(x => x.ModeB!.Mean);
        if (bestB is not null)
            sentences.Add(bestB.ModeB!.Images is { } m && m == full.ModeA.Images
                ? $"mode B: {Compare($"patch-averaged {bestB.TileName}", bestB.ModeB, "full-image training", full.ModeA)}"
                : string.Create(c, $"mode B ({bestB.TileName}, {Describe(bestB.ModeB)}) was measured on {Count(bestB.ModeB.Images)} test images and full-image training on {Count(full.ModeA.Images)} test images: not compared, as they are not the same images"));
        int seeds = cells.Min(x => x.ModeA.Seeds);
        string basis = seeds >= 2
            ? $"Intervals: 95% Clopper–Pearson per seed, widened to span the {seeds} seeds"
            : "Intervals: 95% Clopper–Pearson on the test images of one seed; they do not include seed-to-seed variation";
        return string.Join("; ", sentences) + ". " + basis + ".";
    }

    /// <summary>"X beats Y", "X stays below Y" or "X and Y are within noise", with both numbers and intervals.</summary>
    public static string Compare(string nameA, SeedAccuracy a, string nameB, SeedAccuracy b)
    {
        string numbers = $"({Describe(a)} vs {Describe(b)})";
        if (!a.HasInterval || !b.HasInterval) return $"{nameA} vs {nameB} {numbers}: test image counts unknown, so no interval and no claim";
        if (a.Images != b.Images) return $"{nameA} vs {nameB} {numbers}: measured on different test images ({Count(a.Images)} vs {Count(b.Images)}), not compared";
        if (a.OverlapsWith(b)) return $"{nameA} and {nameB} are within noise {numbers}: their intervals overlap";
        return a.Mean > b.Mean ? $"{nameA} beats {nameB} {numbers}" : $"{nameA} stays below {nameB} {numbers}";
    }

    /// <summary>"24.9% [22.3, 27.7]" or "24.9%" when no interval is known.</summary>
    public static string Describe(SeedAccuracy a) => a.HasInterval
        ? string.Create(CultureInfo.InvariantCulture, $"{100 * a.Mean:F1}% [{100 * a.Lower!.Value:F1}, {100 * a.Upper!.Value:F1}]")
        : string.Create(CultureInfo.InvariantCulture, $"{100 * a.Mean:F1}%");

    private static string Count(int? images) => images is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "an unknown number of";
}
