using Myopia.Experiments;
using Myopia.IO;
using Myopia.Reporting;
using Myopia.Training;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia report --redraw</c>: draws a folder's figures and report.md again from the results it
/// holds (a sweep's results.json and sweep.json, a run's summary.json and config.json), so folders
/// written by an older version get the current figure style without training anything again.
/// </summary>
public static class ReportRedraw
{
    /// <summary>Redraws <paramref name="folder"/> and every run, sweep, eval, agreement, shift, diffeo and 1-D scale folder below it; returns how many were redrawn.</summary>
    public static int Folder(string folder, int depth = 0)
    {
        int redrawn = 0;
        if (File.Exists(Path.Combine(folder, "sweep.json")) && File.Exists(Path.Combine(folder, SweepRunner.ResultsJson)))
        {
            var spec = Read<SweepSpec>(Path.Combine(folder, "sweep.json"));
            // The folder may have moved since the sweep ran (results.json records where it was).
            var result = Read<SweepResult>(Path.Combine(folder, SweepRunner.ResultsJson)) with { SweepDir = folder };
            SweepFigures.Write(result, SweepCommand.TheoryFor(spec, null), SweepCommand.ImageSide(result), spec);
            SweepFigures.WriteReport(result, spec);
            redrawn++;
        }
        else if (File.Exists(Path.Combine(folder, "summary.json")) && File.Exists(Path.Combine(folder, "config.json")) && File.Exists(Path.Combine(folder, "metrics.csv")))
        {
            var summary = Read<TrainingResult>(Path.Combine(folder, "summary.json"));
            RunReport.Write(new RunFolder(folder), summary with { Classes = SweepFigures.RunClasses(folder) }, Read<TrainOptions>(Path.Combine(folder, "config.json")));
            redrawn++;
        }
        else if (File.Exists(Path.Combine(folder, "eval.json")))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "eval.json")));
            var root = doc.RootElement;
            string Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString()! : "?";
            string trained = root.TryGetProperty("tile", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.Number ? $", trained on {t.GetInt32()}x{t.GetInt32()} tiles" : "";
            string title = $"{Field("architecture")} ({Path.GetFileName(Field("model"))}{trained}) on {Field("dataset")}";
            foreach (var r in root.GetProperty("results").EnumerateArray())
                Myopia.Reporting.EvaluationWriter.Write(JsonOutput.Deserialize<Myopia.Evaluation.EvaluationResult>(r.GetRawText()), folder, title);
            redrawn++;
        }
        else if (LabResult(folder, "shift.json") is { } shift)
        {
            var result = JsonOutput.Deserialize<Myopia.Analysis.ShiftStudy.ShiftResult>(shift.Result);
            ShiftPlots.Write(result, $"{shift.Model}, {result.Protocol} ({result.Images} images)", folder);
            redrawn++;
        }
        else if (LabResult(folder, "diffeo.json") is { } diffeo)
        {
            var result = JsonOutput.Deserialize<Myopia.Analysis.DiffeoStudy.DiffeoResult>(diffeo.Result);
            if (result.Variants.Any(v => v.Nodes.Count > 2))
                DiffeoPlots.DepthProfile(result, $"{diffeo.Model}, {result.Probes} probes", Path.Combine(folder, "diffeo-depth.png"));
            redrawn++;
        }
        else if (LabResult(folder, "agreement.json") is { } agreement)
        {
            var result = JsonOutput.Deserialize<Myopia.Analysis.TileStudy.TileAgreementResult>(agreement.Result);
            AgreementPlot.Write(result, $"{agreement.Model}, evaluated on tiles ({result.Images} test images)", Path.Combine(folder, "agreement.png"));
            redrawn++;
        }
        else if (File.Exists(Path.Combine(folder, ScaleDetectionWriter.JsonFile)))
        {
            var result = Read<Myopia.Analysis.DiffeoStudy.ScaleDetection1d.ScaleDetection1dResult>(Path.Combine(folder, ScaleDetectionWriter.JsonFile));
            ScaleDetectionPlots.Write(result, Path.Combine(folder, ScaleDetectionPlots.FileName));
            redrawn++;
        }
        if (depth < 4)
            foreach (var dir in Directory.GetDirectories(folder).Where(d => Path.GetFileName(d) is not "arrays"))
                redrawn += Folder(dir, depth + 1);
        return redrawn;
    }

    // A lab's JSON holds the model it measured and the result: "architecture (file)" and the result's raw JSON.
    private static (string Model, string Result)? LabResult(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path)) return null;
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("result", out var result)) return null;
        string architecture = root.TryGetProperty("architecture", out var a) ? a.GetString() ?? "?" : "?";
        string source = root.TryGetProperty("model", out var m) ? Path.GetFileName(m.GetString() ?? "") : "";
        return ($"{architecture} ({source})", result.GetRawText());
    }

    private static T Read<T>(string path)
    {
        try { return JsonOutput.Deserialize<T>(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e) { throw new MyopiaException($"{path} cannot be read to redraw its figures: {e.Message}"); }
    }
}
