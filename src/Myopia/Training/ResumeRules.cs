using System.Text.Json;
using Myopia.IO;

namespace Myopia.Training;

/// <summary>
/// What <c>train --resume</c> may change. A resumed run takes every option from its checkpoint, so that
/// it ends exactly as the uninterrupted run would. Only where it runs may change (threads, device, where
/// the data lives), and a FINISHED run may be extended with a larger --epochs, said out loud. Any other
/// option given that differs from the run's is an error naming it: silently ignoring it (the old
/// behaviour for --model) or applying it (a changed schedule mid-run) would both mislead.
/// </summary>
public static class ResumeRules
{
    /// <summary>Options (snake_case, as in config.json) that describe the machine, not the run.</summary>
    public static readonly IReadOnlySet<string> MayChange = new HashSet<string> { "threads", "device", "data_dir", "eval_every" };

    /// <summary>
    /// The options to resume with: the checkpoint's, plus those of <paramref name="given"/> (snake_case
    /// names) that may change. Throws naming every given option that differs from the run's.
    /// </summary>
    public static TrainOptions Resolve(CheckpointInfo saved, TrainOptions requested, IReadOnlySet<string> given, string runDir, Action<string>? message = null)
    {
        var run = saved.Options with { DataDir = saved.DataDir ?? saved.Options.DataDir };
        var differing = Differences(run, requested).Where(given.Contains).Where(n => !MayChange.Contains(n) && n != "epochs").ToList();
        if (differing.Count > 0)
            throw new MyopiaException(
                $"--resume continues the run in {runDir} with its own options; {Describe(differing, run, requested)} " +
                "differ from it. Drop them to resume, or train into another --out");
        var resolved = run with
        {
            Threads = given.Contains("threads") ? requested.Threads : run.Threads,
            Device = given.Contains("device") ? requested.Device : run.Device,
            DataDir = given.Contains("data_dir") ? requested.DataDir : run.DataDir,
            EvalEvery = given.Contains("eval_every") ? requested.EvalEvery : run.EvalEvery,
        };
        if (given.Contains("epochs") && requested.Epochs != run.Epochs)
        {
            CheckEpochs(saved, requested.Epochs, runDir);
            message?.Invoke($"extending the finished run in {runDir} from {run.Epochs} to {requested.Epochs} epochs (its learning-rate schedule now spans {requested.Epochs})");
            resolved = resolved with { Epochs = requested.Epochs };
        }
        return resolved;
    }

    /// <summary>The check a trainer makes on resume, whatever called it: same run, and epochs only extended when finished.</summary>
    public static void EnsureCompatible(CheckpointInfo saved, TrainOptions options, string runDir)
    {
        var differing = Differences(saved.Options, options).Where(n => !MayChange.Contains(n) && n != "epochs").ToList();
        if (differing.Count > 0)
            throw new MyopiaException(
                $"the options differ from those of the run in {runDir}: {Describe(differing, saved.Options, options)}; resume with the run's own options");
        if (options.Epochs != saved.Options.Epochs) CheckEpochs(saved, options.Epochs, runDir);
    }

    private static void CheckEpochs(CheckpointInfo saved, int epochs, string runDir)
    {
        bool finished = saved.Partial is null && saved.CompletedEpochs >= saved.Options.Epochs;
        if (epochs < saved.Options.Epochs)
            throw new MyopiaException($"--epochs {epochs} would shorten the run in {runDir} ({saved.Options.Epochs} epochs); a resumed run keeps its length");
        if (!finished)
            throw new MyopiaException(
                $"the run in {runDir} is not finished ({saved.CompletedEpochs} of {saved.Options.Epochs} epochs): resume it without --epochs first " +
                $"(changing its length mid-run would change its schedule), then extend it with --epochs {epochs}");
    }

    /// <summary>snake_case names of the options whose values differ.</summary>
    public static IEnumerable<string> Differences(TrainOptions a, TrainOptions b)
    {
        using var x = JsonDocument.Parse(JsonOutput.Serialize(a));
        using var y = JsonDocument.Parse(JsonOutput.Serialize(b));
        var right = y.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        return x.RootElement.EnumerateObject()
            .Where(p => !right.TryGetValue(p.Name, out var v) || v != p.Value.GetRawText())
            .Select(p => p.Name).ToList();
    }

    /// <summary>The command-line flag of an option: --snake-case, except flip, which is given as --no-flip.</summary>
    public static string Flag(string name) => name == "flip" ? "--no-flip" : "--" + name.Replace('_', '-');

    private static string Describe(List<string> names, TrainOptions run, TrainOptions requested)
    {
        using var x = JsonDocument.Parse(JsonOutput.Serialize(run, indented: false));
        using var y = JsonDocument.Parse(JsonOutput.Serialize(requested, indented: false));
        string Value(JsonDocument d, string n) => d.RootElement.TryGetProperty(n, out var v) ? v.GetRawText().Trim('"') : "none";
        return string.Join(", ", names.Select(n => $"{Flag(n)} {Value(y, n)} (the run's: {Value(x, n)})"));
    }
}
