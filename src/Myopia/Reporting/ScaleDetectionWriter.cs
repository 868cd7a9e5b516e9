using System.Globalization;
using System.Text;
using Myopia.Analysis.DiffeoStudy.ScaleDetection1d;
using Myopia.IO;

namespace Myopia.Reporting;

/// <summary>Writes a 1-D scale-detection result into a folder, each file atomically: scale1d.csv, scale1d.json, scale1d.png.</summary>
public static class ScaleDetectionWriter
{
    public const string CsvFile = "scale1d.csv";
    public const string JsonFile = "scale1d.json";

    /// <summary>Writes the three files; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ScaleDetection1dResult result, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var csv = Path.Combine(outDir, CsvFile);
        AtomicFile.WriteAllText(csv, Csv(result));
        var json = Path.Combine(outDir, JsonFile);
        JsonOutput.WriteFile(json, result);
        var png = Path.Combine(outDir, ScaleDetectionPlots.FileName);
        ScaleDetectionPlots.Write(result, png);
        return [csv, json, png];
    }

    /// <summary>One row per block (0: the input): positions, then D, G, R at init and trained.</summary>
    public static string Csv(ScaleDetection1dResult result)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var text = new StringBuilder("block,positions,d_init,g_init,r_init,d_trained,g_trained,r_trained\n");
        foreach (var b in result.Blocks)
            text.Append(CultureInfo.InvariantCulture, $"{b.Block},{b.Positions},{F(b.Init.D)},{F(b.Init.G)},{F(b.Init.R)},{F(b.Trained.D)},{F(b.Trained.G)},{F(b.Trained.R)}\n");
        return text.ToString();
    }
}
