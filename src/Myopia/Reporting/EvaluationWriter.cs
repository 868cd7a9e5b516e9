using System.Globalization;
using System.Text;
using Myopia.Evaluation;
using Myopia.IO;

namespace Myopia.Reporting;

/// <summary>Writes evaluation results: confusion matrix (CSV and PNG), per-class accuracy, per-image predictions.</summary>
public static class EvaluationWriter
{
    public static void Write(EvaluationResult r, string outDir, string title)
    {
        var csv = new StringBuilder("true\\predicted," + string.Join(',', r.ClassNames.Select(Csv)) + "\n");
        for (int t = 0; t < r.ClassNames.Count; t++)
            csv.Append(Csv(r.ClassNames[t])).Append(',').Append(string.Join(',', r.ConfusionMatrix[t])).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, $"confusion-{r.Mode}.csv"), csv.ToString());
        var top1 = Myopia.Statistics.ClopperPearson.ForAccuracy(r.Top1, r.Count);
        TrainingPlots.Confusion(r, string.Create(CultureInfo.InvariantCulture,
                $"{title}: {r.Mode}\ntop-1 {100 * r.Top1:F1}% (95% CI {100 * top1.Lower:F1}-{100 * top1.Upper:F1}, Clopper-Pearson, {r.Count:N0} images)"),
            Path.Combine(outDir, $"confusion-{r.Mode}.png"));
        var perClass = new StringBuilder("class,accuracy\n");
        for (int t = 0; t < r.ClassNames.Count; t++)
            perClass.Append(Csv(r.ClassNames[t])).Append(',').Append(r.PerClassAccuracy[t].ToString("F4", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, $"per-class-{r.Mode}.csv"), perClass.ToString());
    }

    /// <summary>
    /// Per-image predictions as CSV (index, label, prediction, one logit column per class) or as
    /// .npy files (<c>predictions-logits.npy</c> N x K float32, and int64 index, label and prediction vectors).
    /// </summary>
    public static IReadOnlyList<string> WritePredictions(ImagePredictions p, IReadOnlyList<string> classNames, string outDir, string format)
    {
        int n = p.Index.Length, k = p.Classes;
        if (format == "npy")
        {
            var files = new[] { "predictions-logits.npy", "predictions-index.npy", "predictions-label.npy", "predictions-prediction.npy" }
                .Select(f => Path.Combine(outDir, f)).ToArray();
            NpyWriter.Write(files[0], p.Logits, n, k);
            NpyWriter.Write(files[1], p.Index);
            NpyWriter.Write(files[2], p.Label.Select(v => (long)v).ToArray());
            NpyWriter.Write(files[3], p.Prediction.Select(v => (long)v).ToArray());
            return files;
        }
        var csv = new StringBuilder("index,label,prediction," + string.Join(',', classNames.Select(c => Csv("logit_" + c))) + "\n");
        for (int i = 0; i < n; i++)
        {
            csv.Append(p.Index[i]).Append(',').Append(p.Label[i]).Append(',').Append(p.Prediction[i]);
            for (int c = 0; c < k; c++) csv.Append(',').Append(p.Logits[(long)i * k + c].ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        var path = Path.Combine(outDir, "predictions.csv");
        AtomicFile.WriteAllText(path, csv.ToString());
        return [path];
    }

    private static string Csv(string field) => field.Contains(',') || field.Contains('"') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
}
