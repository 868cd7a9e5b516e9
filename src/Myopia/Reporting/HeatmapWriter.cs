using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.IO;

namespace Myopia.Reporting;

/// <summary>Writes a tile-heatmap result: image grids of the masked max logit and of the class probability, and every map as .npy.</summary>
public static class HeatmapWriter
{
    public static void Write(TileHeatmapResult r, byte[][] planar, string outDir, long[] picked, Classifier classifier,
        IReadOnlyList<IReadOnlyList<ObjectBox>>? boxes)
    {
        int tile = r.Options.Tile;
        string tag = $"{r.Mode}-t{tile}";
        string trained = classifier.Card.Tile is { } tt ? $"{tt}x{tt} tiles" : "full images";
        string who = $"{classifier.Card.Architecture} ({trained})";
        HeatmapRenderer.WriteGrid(r, planar, Path.Combine(outDir, $"heatmap-{tag}.png"), m => m.MaskedLogit,
            $"{who}, T={tile}, {r.Mode}: masked max logit", boxes);
        HeatmapRenderer.WriteGrid(r, planar, Path.Combine(outDir, $"probability-{tag}.png"), m => m.Probability,
            $"{who}, T={tile}, {r.Mode}: class probability", boxes);
        var arrays = Path.Combine(outDir, "arrays");
        foreach (var m in r.Images)
        {
            string stem = Path.Combine(arrays, $"{tag}-image{picked[m.Index]}");
            NpyWriter.Write(stem + "-max-logit.npy", m.MaxLogit, m.Height, m.Width);
            NpyWriter.Write(stem + "-masked-logit.npy", m.MaskedLogit, m.Height, m.Width);
            NpyWriter.Write(stem + "-probability.npy", m.Probability, m.Height, m.Width);
            NpyWriter.Write(stem + "-class-map.npy", m.ClassMap, m.Height, m.Width);
        }
    }
}
