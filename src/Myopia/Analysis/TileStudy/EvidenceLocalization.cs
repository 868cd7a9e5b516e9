using Myopia.Data;
using Myopia.Data.Synthetic;

namespace Myopia.Analysis.TileStudy;

/// <summary>A square region of an image known to carry the class (e.g. a synthetic class motif).</summary>
public readonly record struct ObjectBox(int Top, int Left, int Size);

/// <summary>
/// Where a heatmap puts its evidence, against known object positions: the mean probability of the
/// class of interest at pixels whose tile contains a whole object, and at all other pixels.
/// A myopic model that learnt the objects gives high values on them and chance elsewhere.
/// </summary>
public sealed record EvidenceLocalization(int Images, double MeanProbabilityOnObjects, double MeanProbabilityElsewhere, double ShareOfPixelsOnObjects);

public static class EvidenceLocalizer
{
    /// <summary>
    /// For every pixel, whether its heatmap tile (the study's per-pixel padding, see
    /// <see cref="PatchLogits.PerPixelPadding"/>) contains one of the boxes entirely.
    /// </summary>
    public static bool[] TilesContaining(int height, int width, int tile, IEnumerable<ObjectBox> boxes)
    {
        var (top, _, left, _) = PatchLogits.PerPixelPadding(tile);
        var inside = new bool[height * width];
        foreach (var box in boxes)
            // The tile of pixel (i, j) spans rows i - top .. i - top + tile - 1: it holds rows
            // box.Top .. box.Top + Size - 1 when i - top <= box.Top and box.Top + Size <= i - top + tile.
            for (int i = Math.Max(0, box.Top + box.Size - tile + top); i <= Math.Min(height - 1, box.Top + top); i++)
                for (int j = Math.Max(0, box.Left + box.Size - tile + left); j <= Math.Min(width - 1, box.Left + left); j++)
                    inside[i * width + j] = true;
        return inside;
    }

    /// <summary>
    /// The class motifs of the given test images when <paramref name="dataset"/> names the synthetic
    /// set (with its options), so heatmaps can be checked against where the class really is; null otherwise.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<ObjectBox>>? SyntheticMotifs(string dataset, IEnumerable<long> testIndices)
    {
        var (name, spec) = DatasetCatalog.ParseName(dataset);
        if (!name.Equals(DatasetCatalog.Synthetic, StringComparison.OrdinalIgnoreCase)) return null;
        var options = SyntheticOptions.Parse(spec);
        return testIndices.Select(i => (IReadOnlyList<ObjectBox>)SyntheticDataset.RenderOne(options, train: false, (int)i).Placements
            .Where(p => !p.IsDistractor).Select(p => new ObjectBox(p.Top, p.Left, options.MotifSize)).ToList()).ToList();
    }

    /// <summary>Averages the probability maps over pixels whose tiles hold a whole box, and over the rest.</summary>
    public static EvidenceLocalization Measure(IReadOnlyList<ImageHeatmap> maps, IReadOnlyList<IReadOnlyList<ObjectBox>> boxes, int tile)
    {
        if (maps.Count != boxes.Count) throw new ArgumentException("one list of boxes per heatmap");
        var tally = new EvidenceTally(tile);
        for (int n = 0; n < maps.Count; n++) tally.Add(maps[n], boxes[n]);
        return tally.Result;
    }
}

/// <summary><see cref="EvidenceLocalizer.Measure"/> accumulated one image at a time, for maps that are streamed rather than kept.</summary>
public sealed class EvidenceTally(int tile)
{
    private double on, off;
    private long onCount, offCount;
    private int images;

    public void Add(ImageHeatmap map, IReadOnlyList<ObjectBox> boxes)
    {
        var inside = EvidenceLocalizer.TilesContaining(map.Height, map.Width, tile, boxes);
        for (int p = 0; p < inside.Length; p++)
            if (inside[p]) { on += map.Probability[p]; onCount++; }
            else { off += map.Probability[p]; offCount++; }
        images++;
    }

    public EvidenceLocalization Result => new(images,
        onCount > 0 ? on / onCount : double.NaN,
        offCount > 0 ? off / offCount : double.NaN,
        (double)onCount / Math.Max(1, onCount + offCount));
}
