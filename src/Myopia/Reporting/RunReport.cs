using Myopia.IO;
using System.Globalization;
using System.Text;
using Myopia.Statistics;
using Myopia.Training;

namespace Myopia.Reporting;

/// <summary>Writes the human-readable part of a training run folder: the curves plot and report.md.</summary>
public static class RunReport
{
    public static void Write(RunFolder run, TrainingResult result, TrainOptions options)
    {
        if (result.History.Count == 0) return;
        string tile = options.Tile is { } t ? $"{t}x{t} tiles" : "full images";
        TrainingPlots.Curves(result.History, $"{options.Model} on {options.Data}, trained on {tile}, seed {options.Seed}", run.Combine("curves.png"), result.Classes);

        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine($"# {options.Model} on {options.Data}, trained on {tile}").AppendLine();
        md.AppendLine(result.Interrupted
            ? $"Interrupted after {result.CompletedEpochs} of {options.Epochs} epochs (resume with `--resume`)."
            : $"{result.CompletedEpochs} epochs in {result.TotalSeconds / 60:F1} min, {result.Parameters:N0} parameters.");
        if (result.Compute is { } compute)
            md.AppendLine().AppendLine($"Computed in {compute.Precision} ({compute.PrecisionReason}); activations {compute.MemoryFormat} ({compute.MemoryFormatReason}).");
        md.AppendLine();
        if (result.Final is { } f && result.Best is { } b)
        {
            string images = result.TestImages is { } n ? string.Create(c, $" on {n:N0} test images") : "";
            string Interval(double acc) => result.TestImages is { } n
                ? string.Create(c, $" [{100 * ClopperPearson.ForAccuracy(acc, n).Lower:F1}, {100 * ClopperPearson.ForAccuracy(acc, n).Upper:F1}]") : "";
            md.AppendLine($"| | epoch | test accuracy (full images{images}){(result.TestImages is null ? "" : ", 95% interval")} | top-5 | test loss |");
            md.AppendLine("|---|---|---|---|---|");
            md.AppendLine(string.Create(c, $"| final | {f.Epoch} | {100 * f.TestAcc:F2}%{Interval(f.TestAcc)} | {100 * f.TestTop5:F2}% | {f.TestLoss:F4} |"));
            md.AppendLine(string.Create(c, $"| best | {b.Epoch} | {100 * b.TestAcc:F2}%{Interval(b.TestAcc)} | {100 * b.TestTop5:F2}% | {b.TestLoss:F4} |"));
            md.AppendLine();
            if (result.TestImages is not null)
                md.AppendLine("Intervals: exact (Clopper–Pearson) binomial, over the test images. The best epoch is chosen on these same images, so its accuracy is optimistic.").AppendLine();
        }
        md.AppendLine("![accuracy per epoch](curves.png)").AppendLine();
        md.AppendLine("## Per epoch").AppendLine();
        md.AppendLine("| epoch | lr | train loss | train acc | test loss | test acc | img/s | s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var m in result.History)
            md.AppendLine(m.Evaluated
                ? string.Create(c, $"| {m.Epoch} | {m.Lr:G3} | {m.TrainLoss:F4} | {100 * m.TrainAcc:F2}% | {m.TestLoss:F4} | {100 * m.TestAcc:F2}% | {m.ImagesPerSecond:F0} | {m.Seconds:F0} |")
                : string.Create(c, $"| {m.Epoch} | {m.Lr:G3} | {m.TrainLoss:F4} | {100 * m.TrainAcc:F2}% | not evaluated | | {m.ImagesPerSecond:F0} | {m.Seconds:F0} |"));
        md.AppendLine().AppendLine("## Configuration").AppendLine().AppendLine("```json").AppendLine(JsonOutput.Serialize(options)).AppendLine("```");
        AtomicFile.WriteAllText(run.Combine("report.md"), md.ToString());
    }
}
