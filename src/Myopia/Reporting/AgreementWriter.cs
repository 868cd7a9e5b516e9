using System.Globalization;
using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.IO;

namespace Myopia.Reporting;

/// <summary>Writes a tile-agreement result: the figure, a CSV row per tile size and the JSON.</summary>
public static class AgreementWriter
{
    public static void Write(TileAgreementResult result, Classifier classifier, string outDir)
    {
        string trained = classifier.Card.Tile is { } t ? $"{t}x{t} tiles" : "full images";
        string on = classifier.Card.Dataset is { } d ? $" on {d}" : "";
        AgreementPlot.Write(result, $"{classifier.Card.Architecture} trained on {trained}{on}, evaluated on tiles ({result.Images} test images)",
            Path.Combine(outDir, "agreement.png"));
        var csv = new System.Text.StringBuilder("tile,stride,tiles_per_image,agrees_with_full,single_tile_acc,patch_averaged_acc,full_image_acc\n");
        foreach (var r in result.Rows)
            csv.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.Tile},{r.Stride},{r.TilesPerImage},{r.TileAgreesWithFull:F4},{r.SingleTileAccuracy:F4},{r.PatchAveragedAccuracy:F4},{r.FullImageAccuracy:F4}\n"));
        AtomicFile.WriteAllText(Path.Combine(outDir, "agreement.csv"), csv.ToString());
        JsonOutput.WriteFile(Path.Combine(outDir, "agreement.json"), new { model = classifier.Card.Source, architecture = classifier.Card.Architecture, result });
    }
}
