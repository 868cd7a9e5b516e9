using Myopia.IO;
using System.CommandLine;
using Myopia.Augmentation;
using Myopia.Cli.Terminal;
using Myopia.Models;
using Myopia.Reporting;
using Myopia.Training;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia train</c>: trains a network on (tiles of) a dataset into a run folder.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var dataDir = CommonOptions.DataDir();
        var model = CommonOptions.Model();
        model.Description = $"network: {string.Join(", ", ModelRegistry.Names)}";
        var stem = new Option<string?>("--stem") { Description = "ResNet stem / VGG head: study (7x7 stride 1, no max-pool; the default), cifar (3x3) or imagenet (torchvision's)" };
        stem.AcceptOnlyFromAmong([.. StemNames.All]);
        var aps = new Option<bool>("--aps") { Description = "adaptive polyphase sampling in the pools (Chaman & Dokmanic 2021; vggsmall, smallcnn)" };
        var antialias = new Option<int>("--antialias") { Description = "BlurPool filter size 1-7 before every subsampling (Zhang 2019); 0: none", DefaultValueFactory = _ => 0 };
        antialias.Validators.Add(r =>
        {
            if (OptionRules.Value<int>(r) is var a && a is < 0 or > Models.ModelOptions.MaxFilterSize)
                r.AddError($"--antialias must be 0 (none) or a filter size 1..{Models.ModelOptions.MaxFilterSize}, got {a}");
        });
        var tile = CommonOptions.Tile();
        var epochs = CommonOptions.Epochs(10);
        var batch = CommonOptions.Batch();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Out();
        output.Description = "run folder (default: runs/DATA-MODEL-TILE-SEED)";
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var pad = new Option<int>("--pad") { Description = "pad-and-crop translation augmentation by p pixels (not with --tile)" };
        var padMode = new Option<string>("--pad-mode") { Description = "padding for --pad: zero or reflect", DefaultValueFactory = _ => "zero" };
        padMode.AcceptOnlyFromAmong("zero", "reflect");
        var noFlip = new Option<bool>("--no-flip") { Description = "turn off random horizontal flips" };
        var optimizer = new Option<string>("--optimizer") { Description = "adam (coupled L2, the paper's), adamw or sgd", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong(TrainOptions.Optimizers);
        var lr = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 0.002 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "weight decay", DefaultValueFactory = _ => 1e-4 };
        var weightDecayOn = new Option<string>("--weight-decay-on") { Description = "all parameters, or weights only (ndim > 1: biases and batch-norm parameters exempt)", DefaultValueFactory = _ => "all" };
        weightDecayOn.AcceptOnlyFromAmong(TrainOptions.WeightDecayScopes);
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum for SGD" };
        var schedule = new Option<string>("--schedule") { Description = "multistep (the paper's), cosine, cosine-0.8 (CosineAnnealingLR over 0.8 of the epochs, per epoch: Petrini et al.), onecycle, constant or warmup-linear (airbench's: 0.2·lr to lr over 23% of training, then down to 0.07·lr)", DefaultValueFactory = _ => "multistep" };
        schedule.AcceptOnlyFromAmong(LearningRateSchedule.Names);
        var milestones = new Option<string>("--milestones") { Description = "MultiStep epochs, comma-separated", DefaultValueFactory = _ => "40,80,100,150,200,250,300" };
        var gamma = new Option<double>("--gamma") { Description = "MultiStep factor", DefaultValueFactory = _ => 0.5 };
        var labelSmoothing = new Option<double>("--label-smoothing") { Description = "label smoothing of the training loss, in [0, 1)", DefaultValueFactory = _ => 0.0 };
        var inputNoise = new Option<double>("--input-noise") { Description = "noise-corrupted training (Petrini et al.): white noise of norm about this added to every normalised train and test image (and in every later analysis of the run); 0: none", DefaultValueFactory = _ => 0.0 };
        var loss = new Option<string>("--loss") { Description = "training loss: cross-entropy, or hinge (two-class data: mean relu(1 - y (z1 - z0)), y = -1 for class 0, +1 for class 1; the scale-detection tasks')", DefaultValueFactory = _ => "cross-entropy" };
        loss.AcceptOnlyFromAmong(TrainOptions.Losses);
        var tta = new Option<string>("--tta") { Description = "test-time augmentation of the per-epoch evaluation: none, or flip (mean logits of each image and its mirror)", DefaultValueFactory = _ => "none" };
        tta.AcceptOnlyFromAmong(TrainOptions.TestTimeAugmentations);
        var recipe = CommonOptions.Recipe();
        var trainLimit = CommonOptions.TrainLimit();
        var testLimit = CommonOptions.TestLimit();
        var resume = new Option<bool>("--resume") { Description = "continue the run in --out from its last checkpoint, with the run's own options (only --threads, --device, --data-dir, --eval-every may change; --epochs extends a finished run)" };
        var force = new Option<bool>("--force") { Description = "start over in an --out that already holds a run, replacing its checkpoints, metrics and report" };
        var precision = CommonOptions.Precision();
        var memoryFormat = CommonOptions.MemoryFormat();
        var evalEvery = new Option<int>("--eval-every") { Description = "evaluate on the full test images every N epochs (the final epoch always; only evaluated epochs can become best.pt)", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var config = new Option<string?>("--config") { Description = "read all training options from a JSON file (a run's config.json); other options are ignored" };

        var command = new Command("train", "Train a network on random tiles (or full images) of a dataset; evaluate on full test images every epoch.")
        {
            data, dataDir, model, stem, antialias, aps, tile, epochs, batch, seed, pad, padMode, noFlip, optimizer, lr, weightDecay, weightDecayOn, momentum, nesterov,
            schedule, milestones, gamma, labelSmoothing, inputNoise, loss, tta, recipe, evalEvery, trainLimit, testLimit, threads, device, precision, memoryFormat, output, resume, force, config, json,
        };
        command.SetAction(parse =>
        {
            var options = new TrainOptions
            {
                Data = parse.GetValue(data)!, DataDir = parse.GetValue(dataDir), Model = parse.GetValue(model)!, Stem = parse.GetValue(stem), Antialias = parse.GetValue(antialias), Aps = parse.GetValue(aps),
                Tile = parse.GetValue(tile), Epochs = parse.GetValue(epochs), Batch = parse.GetValue(batch), Seed = parse.GetValue(seed),
                Pad = parse.GetValue(pad), PadMode = Enum.Parse<PadMode>(parse.GetValue(padMode)!, ignoreCase: true), Flip = !parse.GetValue(noFlip),
                Optimizer = parse.GetValue(optimizer)!, Lr = parse.GetValue(lr), WeightDecay = parse.GetValue(weightDecay), WeightDecayOn = parse.GetValue(weightDecayOn)!,
                Momentum = parse.GetValue(momentum), Nesterov = parse.GetValue(nesterov), Schedule = parse.GetValue(schedule)!,
                Milestones = ParseMilestones(parse.GetValue(milestones)!), Gamma = parse.GetValue(gamma),
                LabelSmoothing = parse.GetValue(labelSmoothing), InputNoise = parse.GetValue(inputNoise), Loss = parse.GetValue(loss)!, Tta = parse.GetValue(tta)!,
                TrainLimit = parse.GetValue(trainLimit), TestLimit = parse.GetValue(testLimit), Threads = parse.GetValue(threads), Device = parse.GetValue(device)!,
                EvalEvery = parse.GetValue(evalEvery), Precision = parse.GetValue(precision)!, MemoryFormat = parse.GetValue(memoryFormat)!,
            };
            // The options given explicitly (snake_case, as in config.json): a resumed run may be told only some of them.
            var given = new Dictionary<string, Option>
            {
                ["data"] = data, ["data_dir"] = dataDir, ["model"] = model, ["stem"] = stem, ["antialias"] = antialias, ["aps"] = aps, ["tile"] = tile,
                ["epochs"] = epochs, ["batch"] = batch, ["seed"] = seed, ["pad"] = pad, ["pad_mode"] = padMode, ["flip"] = noFlip,
                ["optimizer"] = optimizer, ["lr"] = lr, ["weight_decay"] = weightDecay, ["weight_decay_on"] = weightDecayOn, ["momentum"] = momentum, ["nesterov"] = nesterov,
                ["schedule"] = schedule, ["milestones"] = milestones, ["gamma"] = gamma, ["train_limit"] = trainLimit, ["test_limit"] = testLimit,
                ["label_smoothing"] = labelSmoothing, ["input_noise"] = inputNoise, ["loss"] = loss, ["tta"] = tta, ["recipe"] = recipe, ["threads"] = threads, ["device"] = device, ["eval_every"] = evalEvery, ["precision"] = precision, ["memory_format"] = memoryFormat,
            }.Where(kv => parse.GetResult(kv.Value) is { Implicit: false }).Select(kv => kv.Key).ToHashSet();
            // The recipe's values for every option of it not given explicitly.
            options = Recipes.Apply(parse.GetValue(recipe)!, options, given);
            if (parse.GetValue(config) is { } configPath)
            {
                options = ReadConfig(configPath) with { Threads = options.Threads, Device = options.Device };
                // Every option of the file counts as given; the machine's come from the command line.
                given = [.. AllOptionNames(options).Where(n => n is not ("threads" or "device") || given.Contains(n))];
            }
            options.Validate(); // before the run folder is made
            if (!parse.GetValue(resume)) Data.DatasetCatalog.EnsureAvailable(options.Data, options.DataDir);
            CommonOptions.ApplyThreads(options.Threads);
            var outDir = OutputFolder.Resolve(parse.GetValue(output) ?? DefaultRunDir(options), "train");
            using var ownership = RunLock.Acquire(outDir, m => Console.Error.WriteLine(m));
            var run = new RunFolder(outDir);
            bool resuming = parse.GetValue(resume);
            if (resuming && File.Exists(run.Checkpoint))
                options = ResumeRules.Resolve(Checkpoint.ReadInfo(run.Checkpoint), options, given, outDir, m => Console.Error.WriteLine(m));
            else if (!resuming && run.HoldsARun)
            {
                var present = run.RunFiles.Where(File.Exists).Select(Path.GetFileName).ToList();
                if (!parse.GetValue(force))
                    throw new MyopiaException(
                        $"{outDir} already holds a training run ({string.Join(", ", present)}); continue it with --resume, " +
                        "or start over with --force (replaces those files), or choose another --out");
                Console.Error.WriteLine($"--force: starting over in {outDir}; deleting the previous run's {string.Join(", ", present)}");
                foreach (var file in run.RunFiles) File.Delete(file);
            }
            using var stop = new StopSignals();
            var result = Train(options, outDir, resuming, "myopia " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)), stop: stop);
            if (parse.GetValue(json)) JsonOutput.Print(result);
            return result.Interrupted ? stop.ExitCode : 0;
        });
        return command;
    }

    public static string DefaultRunDir(TrainOptions o) =>
        Path.Combine("runs", $"{SafeName(o.Data)}-{o.Model}-{(o.Tile is { } t ? $"t{t}" : "full")}-s{o.Seed}");

    // "synthetic:train_count=1000" becomes "synthetic_train_count_1000": a plain folder name.
    private static string SafeName(string data) =>
        new(data.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());

    /// <summary>
    /// Trains with progress on stderr; Ctrl-C, SIGTERM or the death of a parent sweep checkpoint the partial epoch
    /// (<see cref="StopSignals"/>). The trainer itself writes metrics, plots and report.md at every epoch's end.
    /// </summary>
    public static TrainingResult Train(TrainOptions options, string outDir, bool resume, string? commandLine, string? label = null, StopSignals? stop = null)
    {
        options.Validate();
        Devices.DeviceChoice.Parse(options.Device); // a bad --device fails before any data is read
        if (!ModelRegistry.Exists(options.Model))
            throw new MyopiaException($"unknown model '{options.Model}'; known models: {string.Join(", ", ModelRegistry.Names)}");
        ModelRegistry.Resolve(options.Model, options.ModelOptions(classes: 1, channels: 1)); // a stem or filter the architecture refuses fails here
        if (resume && !File.Exists(Path.Combine(outDir, Checkpoint.FileName)))
        {
            System.Console.Error.WriteLine($"no checkpoint in {outDir} yet; starting a new run there");
            resume = false;
        }
        using var splits = DataLoading.Load(options.Data, options.DataDir, options.TrainLimit, options.TestLimit);
        Directory.CreateDirectory(outDir);
        DataLoading.RecordSkipped(splits, outDir);
        using var ownSignals = stop is null ? new StopSignals() : null;
        var token = (stop ?? ownSignals!).Token;
        var result = ProgressDisplay.Run(sink =>
        {
            var observer = new TrainingProgress(sink, label ?? $"{options.Model} T={options.Tile?.ToString() ?? "full"}", options.Batch, splits.Train.Count);
            return new Trainer(options, splits, outDir, observer) { Command = commandLine }.Run(resume, token);
        });
        PrintSummary(result);
        return result;
    }

    /// <summary>Every option name of a config (snake_case).</summary>
    private static IEnumerable<string> AllOptionNames(TrainOptions options)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(JsonOutput.Serialize(options));
        return doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
    }

    private static void PrintSummary(TrainingResult r)
    {
        if (r.Interrupted)
        {
            // The run's options live in its checkpoint, so this resumes it exactly.
            Console.Error.WriteLine($"interrupted after {r.CompletedEpochs} epochs; continue with: myopia train --out {ShellQuote(r.RunDir)} --resume");
            return;
        }
        Console.Error.WriteLine(
            $"{r.Model} T={r.Tile?.ToString() ?? "full"}: final test accuracy {r.Final?.TestAcc:P2} (epoch {r.Final?.Epoch}), " +
            $"best {r.Best?.TestAcc:P2} (epoch {r.Best?.Epoch}); run folder {r.RunDir}");
    }

    private static string ShellQuote(string path) =>
        path.All(c => char.IsLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '=') ? path : "'" + path.Replace("'", "'\\''") + "'";

    private static int[] ParseMilestones(string text)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new MyopiaException($"--milestones must be comma-separated epochs, got '{text}'");
        }
    }

    /// <summary>Training options from a JSON file (a run's config.json), or one line saying why it is not one.</summary>
    public static TrainOptions ReadConfig(string path)
    {
        if (!File.Exists(path)) throw new MyopiaException($"config file not found: {path}");
        try
        {
            return JsonOutput.Deserialize<TrainOptions>(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new MyopiaException($"config {path} is not a training config: {e.Message}");
        }
    }
}
