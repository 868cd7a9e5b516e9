using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.IO;

namespace Myopia.Reporting;

/// <summary>
/// Writes tile heatmaps as they are computed: every image's maps as .npy the moment they arrive
/// (<see cref="Add"/>, a <see cref="TileHeatmap.Sink"/>), and at the end image grids of the masked max
/// logit and of the class probability over the first <see cref="GridImages"/> images. Only those are
/// kept, so memory does not grow with the number of images.
/// </summary>
public sealed class HeatmapWriter(string outDir, string mode, int tile, long[] picked, byte[][] planar, Classifier classifier,
    IReadOnlyList<IReadOnlyList<ObjectBox>>? boxes)
{
    /// <summary>Images drawn in a grid figure; the .npy arrays cover every image.</summary>
    public const int GridImages = 16;

    private readonly List<ImageHeatmap> shown = [];

    /// <summary>One colour scale for all images of a grid (default) or one per image.</summary>
    public HeatmapScale Scale { get; init; } = HeatmapScale.Shared;
    private string Tag => $"{mode}-t{tile}";

    /// <summary>Writes one image's maps (max logit, masked logit, probability, class map) as .npy.</summary>
    public void Add(ImageHeatmap m)
    {
        string stem = Path.Combine(outDir, "arrays", $"{Tag}-image{picked[m.Index]}");
        NpyWriter.Write(stem + "-max-logit.npy", m.MaxLogit, m.Height, m.Width);
        NpyWriter.Write(stem + "-masked-logit.npy", m.MaskedLogit, m.Height, m.Width);
        NpyWriter.Write(stem + "-probability.npy", m.Probability, m.Height, m.Width);
        NpyWriter.Write(stem + "-class-map.npy", m.ClassMap, m.Height, m.Width);
        if (shown.Count < GridImages) shown.Add(m);
    }

    /// <summary>Draws the grids of the first images once the analysis is done.</summary>
    public void Finish(TileHeatmapResult r)
    {
        if (shown.Count == 0) return;
        var drawn = r with { Images = shown };
        var images = shown.Select(m => planar[m.Index]).ToArray();
        var outlines = boxes is null ? null : shown.Select(m => boxes[m.Index]).ToList();
        string trained = classifier.Card.Tile is { } tt ? $"{tt}x{tt} tiles" : "full images";
        string on = classifier.Card.Dataset is { } d ? $" on {d}" : "";
        string who = $"{classifier.Card.Architecture} (trained on {trained}){on}";
        string more = r.ImageCount > shown.Count ? $" (first {shown.Count} of {r.ImageCount})" : "";
        HeatmapRenderer.WriteGrid(drawn, images, Path.Combine(outDir, $"heatmap-{Tag}.png"), m => m.MaskedLogit,
            $"{who}, tiles T = {tile}, {r.Mode}: masked max logit{more}", outlines,
            "masked max logit\n(logit units; blank\nwhere tiles predict\nanother class)", Scale);
        HeatmapRenderer.WriteGrid(drawn, images, Path.Combine(outDir, $"probability-{Tag}.png"), m => m.Probability,
            $"{who}, tiles T = {tile}, {r.Mode}: class probability{more}", outlines,
            "class probability\n(softmax probability\nof the class of\ninterest, 0 to 1)", Scale);
    }

    /// <summary>Writes a result whose maps were kept in memory: every image's arrays, the grids of the first ones.</summary>
    public static void Write(TileHeatmapResult r, byte[][] planar, string outDir, long[] picked, Classifier classifier,
        IReadOnlyList<IReadOnlyList<ObjectBox>>? boxes, HeatmapScale scale = HeatmapScale.Shared)
    {
        var writer = new HeatmapWriter(outDir, r.Mode, r.Options.Tile, picked, planar, classifier, boxes) { Scale = scale };
        foreach (var m in r.Images) writer.Add(m);
        writer.Finish(r);
    }
}
