using Myopia.IO;
using Myopia.Cli.Slurm;
using Myopia.Data;
using Myopia.Data.Synthetic;
using System.CommandLine;
using System.Text.Json;
using Myopia.Analysis.TileStudy;
using Myopia.Experiments;
using Myopia.Reporting;
using Myopia.Training;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia sweep</c>: models x tile sizes x seeds (x any option) on one dataset, resumable, with
/// N local jobs at once; writes results.csv, the error-vs-tile figure with err(t) and a report.
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "a sweep JSON file (as written to sweep.json); options given on the command line override its values" };
        var data = CommonOptions.Data();
        var dataDir = CommonOptions.DataDir();
        var models = new Option<string>("--models") { Description = "comma-separated model names (default: smallcnn, or the --recipe's network)", DefaultValueFactory = _ => "smallcnn" };
        var tiles = new Option<string>("--tiles") { Description = "comma-separated tile sizes; 0 or 'full' = full images", DefaultValueFactory = _ => "8,12,16,24,full" };
        var seeds = new Option<string>("--seeds") { Description = "comma-separated seeds", DefaultValueFactory = _ => "1" };
        var epochs = CommonOptions.Epochs(10);
        var batch = CommonOptions.Batch();
        var lr = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 0.002 }.Positive();
        var schedule = new Option<string>("--schedule") { Description = "multistep, cosine, onecycle, constant or warmup-linear", DefaultValueFactory = _ => "multistep" };
        schedule.AcceptOnlyFromAmong(LearningRateSchedule.Names);
        var set = new Option<string[]>("--axis") { Description = "extra axis NAME=V1,V2 over any training option (repeatable), e.g. --axis lr=0.001,0.002", AllowMultipleArgumentsPerToken = false };
        var recipe = CommonOptions.Recipe();
        recipe.Description += "; with tiles a recipe drops the translation padding meant for full images";
        var trainLimit = CommonOptions.TrainLimit();
        var testLimit = CommonOptions.TestLimit();
        var precision = CommonOptions.Precision();
        var memoryFormat = CommonOptions.MemoryFormat();
        var evalEvery = new Option<int>("--eval-every") { Description = "evaluate each run on the full test images every N epochs (the final epoch always)", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var jobs = new Option<int>("--jobs") { Description = "runs at once (child processes; with --executor slurm the array's %N, default no limit)", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var threads = CommonOptions.Threads();
        threads.Description = "CPU threads per job (0: cores / jobs); with --executor slurm each task's CPUs (0: 1)";
        var patchStride = new Option<int>("--patch-stride") { Description = "stride of mode B (patch-averaged) evaluation after each run; 0 skips it", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var patchLimit = new Option<int?>("--patch-test-limit") { Description = "test images used for mode B (default: all)" }.AtLeast(1);
        var theory = new Option<string?>("--theory") { Description = "err(t) preset overlaid on the figure (default: the dataset's, if it has one)" };
        var output = CommonOptions.Out();
        output.Description = "sweep folder: sweep.json, results.csv, figures, report and one run folder per point (required unless --status)";
        var json = CommonOptions.Json();
        var cluster = new SweepClusterOptions();
        var command = new Command("sweep", "Train every combination of models x tile sizes x seeds, resumably; plot test error vs tile size with the err(t) model.")
        {
            config, data, dataDir, recipe, models, tiles, seeds, epochs, batch, lr, schedule, set, trainLimit, testLimit, evalEvery, precision, memoryFormat, jobs, threads,
            patchStride, patchLimit, theory, output, json,
        };
        cluster.AddTo(command);
        command.SetAction(parse =>
        {
            // Flags given on the command line override the config file; flags left out keep its values.
            bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
            if (parse.GetValue(cluster.Status) is { } statusDir) return SweepStatus.Show(statusDir, parse.GetValue(theory), parse.GetValue(json));
            if (parse.GetValue(output) is null) throw new MyopiaException("Option '--out' is required (or --status DIR to follow a sweep on Slurm)");
            var slurm = cluster.Read(parse, parse.GetValue(threads), Given(jobs) ? parse.GetValue(jobs) : null);
            SweepSpec? fromFile = null;
            if (parse.GetValue(config) is { } path)
            {
                if (!File.Exists(path)) throw new MyopiaException($"sweep config not found: {path}");
                try { fromFile = JsonOutput.Deserialize<SweepSpec>(File.ReadAllText(path)); }
                catch (System.Text.Json.JsonException e) { throw new MyopiaException($"sweep config {path} is not a sweep JSON: {e.Message}"); }
                if (fromFile.Base is null || fromFile.Models is null || fromFile.Tiles is null || fromFile.Seeds is null || fromFile.Axes is null)
                    throw new MyopiaException($"sweep config {path} is not a sweep JSON: base, models, tiles, seeds and axes may not be null");
            }
            if (fromFile is not null && Given(recipe))
                throw new MyopiaException("--recipe does not combine with --config: the sweep file's base options already hold its recipe's values");
            // Without a file, the recipe's full-image options are the base; its training flags keep the recipe's values unless given.
            var baseOptions = fromFile?.Base ?? Recipes.Get(parse.GetValue(recipe)!).For(null);
            bool TakeFlag(Option option) => (fromFile is null && !Given(recipe)) || Given(option);
            baseOptions = baseOptions with
            {
                Data = fromFile is null || Given(data) ? parse.GetValue(data)! : baseOptions.Data,
                DataDir = fromFile is null || Given(dataDir) ? (parse.GetValue(dataDir) is { } d ? Path.GetFullPath(d) : null) : baseOptions.DataDir,
                Epochs = TakeFlag(epochs) ? parse.GetValue(epochs) : baseOptions.Epochs,
                Batch = TakeFlag(batch) ? parse.GetValue(batch) : baseOptions.Batch,
                Lr = TakeFlag(lr) ? parse.GetValue(lr) : baseOptions.Lr,
                Schedule = TakeFlag(schedule) ? parse.GetValue(schedule)! : baseOptions.Schedule,
                TrainLimit = fromFile is null || Given(trainLimit) ? parse.GetValue(trainLimit) : baseOptions.TrainLimit,
                TestLimit = fromFile is null || Given(testLimit) ? parse.GetValue(testLimit) : baseOptions.TestLimit,
                EvalEvery = fromFile is null || Given(evalEvery) ? parse.GetValue(evalEvery) : baseOptions.EvalEvery,
                Precision = fromFile is null || Given(precision) ? parse.GetValue(precision)! : baseOptions.Precision,
                MemoryFormat = fromFile is null || Given(memoryFormat) ? parse.GetValue(memoryFormat)! : baseOptions.MemoryFormat,
            };
            var spec = new SweepSpec
            {
                Base = baseOptions,
                Models = Given(models) || (fromFile is null && !Given(recipe)) ? List(parse.GetValue(models)!, "--models") : fromFile?.Models ?? [baseOptions.Model],
                Tiles = fromFile is null || Given(tiles)
                    ? List(parse.GetValue(tiles)!, "--tiles").Select(t => t is "full" or "0" ? 0 : int.TryParse(t, out var v) && v > 0 ? v : throw new MyopiaException($"--tiles: '{t}' is not a tile size (a positive integer, or 'full')")).ToArray()
                    : fromFile.Tiles,
                Seeds = fromFile is null || Given(seeds)
                    ? List(parse.GetValue(seeds)!, "--seeds").Select(s => int.TryParse(s, out var v) ? v : throw new MyopiaException($"--seeds: '{s}' is not an integer")).ToArray()
                    : fromFile.Seeds,
                Axes = fromFile is null || Given(set) ? (parse.GetValue(set) ?? []).Select(ParseAxis).ToDictionary(a => a.Name, a => a.Values) : fromFile.Axes,
                PatchStride = fromFile is null || Given(patchStride) ? parse.GetValue(patchStride) : fromFile.PatchStride,
                PatchTestLimit = fromFile is null || Given(patchLimit) ? parse.GetValue(patchLimit) : fromFile.PatchTestLimit,
            };
            int parallel = parse.GetValue(jobs);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int threadsPerJob = parse.GetValue(threads) is > 0 and var t ? t : Math.Max(1, Environment.ProcessorCount / parallel);
            // Every run's options (model, stem, tile against the network and the images, numbers) are
            // checked now: a typo must not surface after the first runs have trained for minutes.
            spec.Validate();
            if (parse.GetValue(theory) is { } named && PatchErrorPresets.TryGet(named) is null)
                throw new MyopiaException($"--theory: no err(t) preset '{named}'; known: {string.Join(", ", PatchErrorPresets.All.Select(p => p.Name))}");
            var outDir = OutputFolder.Resolve(parse.GetValue(output)!, "sweep");
            var log = (string m) => System.Console.Error.WriteLine(m);
            var runner = new SweepRunner(spec, outDir)
            {
                Log = log,
                CheckData = DatasetCatalog.EnsureAvailable,
                PatchEvaluator = (classifier, test, tile) => PatchEvaluation.Run(classifier, test, tile, spec.PatchStride, 256),
            };
            ISweepExecutor executor = new ProcessSweepExecutor(parallel, threadsPerJob, log);
            if (slurm is not null)
            {
                var plan = runner.Plan();
                var onSlurm = new SlurmSweepExecutor(outDir, plan.Points, slurm.Options, new SlurmClient(), log);
                if (slurm.DryRun)
                {
                    if (plan.Jobs.Count == 0) log($"nothing to submit: all {plan.Points.Count} runs are finished");
                    else System.Console.Out.Write(onSlurm.Script(plan.Jobs));
                    return 0;
                }
                if (!slurm.Wait)
                {
                    runner.SaveSpec();
                    runner.CheckDataOf(plan.Jobs);
                    log($"sweep of {plan.Points.Count} runs: {plan.Points.Count - plan.Jobs.Count} already done, {plan.Jobs.Count} to run");
                    var tasks = onSlurm.Submit(plan.Jobs);
                    if (parse.GetValue(json)) JsonOutput.Print(tasks);
                    log($"not waiting; follow the sweep with: myopia sweep --status {outDir} (it also collects what finished)");
                    return 0;
                }
                executor = onSlurm;
            }
            using var cancel = new CancellationTokenSource();
            System.Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
            SweepResult result;
            try
            {
                result = runner.Run(executor, o => DataLoading.Load(o.Data, o.DataDir, o.TrainLimit, o.TestLimit), cancel.Token);
            }
            catch (OperationCanceledException e)
            {
                System.Console.Error.WriteLine(e.Message);
                return 130;
            }
            return Finish(result, spec, parse.GetValue(theory), parse.GetValue(json));
        });
        return command;
    }

    /// <summary>Figures, report and table (or JSON) of what finished; failed runs make it a user error (exit 2).</summary>
    internal static int Finish(SweepResult result, SweepSpec spec, string? theory, bool json)
    {
        int side = ImageSide(result);
        SweepFigures.Write(result, TheoryFor(spec, theory), side, spec);
        SweepFigures.WriteReport(result, spec);
        HtmlReport.Write(result.SweepDir);
        if (json) JsonOutput.Print(result);
        else Show(result);
        if (result.Failed.Count > 0)
            throw new MyopiaException($"{result.Failed.Count} of {result.Failed.Count + result.Rows.Count} runs failed ({string.Join(", ", result.Failed)}); see train.log in their folders under {Path.Combine(result.SweepDir, "runs")}");
        return 0;
    }

    // The err(t) preset drawn over the sweep: the named one, else the dataset's own, with N set to
    // the training images the runs really used (--train-limit, or a synthetic set's train_count).
    internal static PatchErrorParameters? TheoryFor(SweepSpec spec, string? named)
    {
        var (dataName, dataOptions) = DatasetCatalog.ParseName(spec.Base.Data);
        var preset = PatchErrorPresets.TryGet(named ?? dataName);
        if (preset is null || named is not null) return preset;
        double n = preset.N;
        if (dataName == DatasetCatalog.Synthetic) n = SyntheticOptions.Parse(dataOptions).TrainCount;
        if (spec.Base.TrainLimit is { } limit) n = Math.Min(n, limit);
        return n == preset.N ? preset : preset with { Name = $"{preset.Name}, N = {n:N0}", N = n };
    }

    // The image side of the sweep's dataset, read from any run's checkpoint.
    internal static int ImageSide(SweepResult result)
    {
        foreach (var row in result.Rows)
        {
            var path = Path.Combine(result.SweepDir, "runs", row.Name, Checkpoint.FileName);
            if (File.Exists(path)) return Checkpoint.ReadInfo(path).ImageHeight;
        }
        return 32;
    }

    private static string[] List(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new MyopiaException($"{option} needs at least one value");
    }

    private static (string Name, JsonElement[] Values) ParseAxis(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new MyopiaException($"--axis takes NAME=V1,V2,..., got '{text}'");
        if (text[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries).Length == 0) throw new MyopiaException($"--axis {text[..eq]} has no values");
        var values = text[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => JsonDocument.Parse(IsJsonLiteral(v) ? v : JsonSerializer.Serialize(v)).RootElement.Clone())
            .ToArray();
        return (text[..eq].Trim(), values);
    }

    // A number JSON can hold as it is written ("nan" and "1e999" are not), or true/false; anything else is a string.
    private static bool IsJsonLiteral(string v)
    {
        if (v is "true" or "false") return true;
        if (!double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return false;
        try { using var _ = JsonDocument.Parse(v); return true; }
        catch (JsonException) { return false; }
    }

    private static void Show(SweepResult result)
    {
        var table = new Table().Title($"Sweep on {result.Dataset}: test accuracy (mean over seeds)")
            .AddColumns("model", "tile", "runs", "A", "± std", "B", "A best", "B best")
            .Caption("A: full test images through the net; B: mean logits over every tile; best: the epoch with the highest A");
        foreach (var c in result.Cells)
            // A standard deviation of one seed is not a spread: none is shown.
            table.AddRow(c.Model, c.Tile == 0 ? "full" : c.Tile.ToString(), c.Runs.ToString(), $"{c.MeanAcc:P2}", c.Runs >= 2 ? $"{c.StdAcc:P2}" : "-",
                c.MeanPatchAcc is { } p ? $"{p:P2}" : "-", $"{c.MeanBestAcc:P2}", c.MeanBestPatchAcc is { } bp ? $"{bp:P2}" : "-");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{result.Ran} runs trained, {result.Skipped} already done; results in {result.SweepDir}");
        AnsiConsole.MarkupLineInterpolated($"intervals, test images per column and the conclusion: {Path.Combine(result.SweepDir, "report.md")}");
    }
}
