using System.CommandLine;

namespace Myopia.Cli;

/// <summary>
/// Options shared by many commands, created fresh per command (System.CommandLine options
/// belong to one parent) but always with the same names, defaults and descriptions.
/// </summary>
public static class CommonOptions
{
    public static Option<string> Data(string defaultValue = "synthetic") => new("--data")
    {
        Description = "dataset name (synthetic, cifar10, cifar100, stl10, mnist, fashion-mnist, tiny-imagenet, imagefolder); the synthetic set takes options, e.g. synthetic:train_count=1000,motif_contrast=0.5",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>--data for commands that analyse a model: default the dataset the model was trained on.</summary>
    public static Option<string?> DataOrModels() => new("--data")
    {
        Description = "dataset to run on (default: the one a Myopia run was trained on); same names as 'train --data'",
    };

    /// <summary>--test-limit: a fixed random subset of the test split, the same in every command and run.</summary>
    public static Option<int?> TestLimit(int? defaultValue = null)
    {
        var option = new Option<int?>("--test-limit")
        {
            Description = "use only N test images (a fixed random subset, the same in every run)" + (defaultValue is { } d ? $"; default {d}" : "; default all"),
        };
        if (defaultValue is { } value) option.DefaultValueFactory = _ => value;
        option.Validators.Add(result =>
        {
            if (OptionRules.Value<int?>(result) is < 1 and var n)
                result.AddError($"--test-limit must be at least 1, got {n} (omit it to use every image)");
        });
        return option;
    }

    /// <summary>--train-limit, as --test-limit for the training split.</summary>
    public static Option<int?> TrainLimit()
    {
        var option = new Option<int?>("--train-limit") { Description = "use only N training images (a fixed random subset, the same in every run)" };
        option.Validators.Add(result =>
        {
            if (OptionRules.Value<int?>(result) is < 1 and var n)
                result.AddError($"--train-limit must be at least 1, got {n} (omit it to use every image)");
        });
        return option;
    }

    public static int Positive(int value, string name) =>
        value >= 1 ? value : throw new MyopiaException($"{name} must be at least 1, got {value}");

    /// <summary>Sets libtorch's CPU threads: 0 keeps its default; more than the machine's cores is refused.</summary>
    public static void ApplyThreads(int threads)
    {
        if (ThreadsProblem(threads) is { } problem) throw new MyopiaException(problem);
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
    }

    private static string? ThreadsProblem(int threads)
    {
        if (threads < 0) return $"--threads must be 0 (libtorch's default) or positive, got {threads}";
        int cores = Environment.ProcessorCount;
        return threads > 4 * cores ? $"--threads {threads} is more than 4 x the {cores} cores of this machine" : null;
    }

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "where the dataset lives: a folder or an archive (.tar.gz) in its official format",
    };

    public static Option<string> Model(string defaultValue = "smallcnn") => new("--model")
    {
        Description = "network name (see 'myopia train --help' for the list)",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>--recipe: a named set of training defaults (Myopia.Training.Recipes); flags given explicitly override its values.</summary>
    public static Option<string> Recipe()
    {
        var option = new Option<string>("--recipe")
        {
            Description = "named training defaults, overridden by any option given explicitly: " + Myopia.Training.Recipes.HelpText().Replace(Environment.NewLine, "; "),
            DefaultValueFactory = _ => Myopia.Training.Recipes.Paper,
        };
        option.AcceptOnlyFromAmong([.. Myopia.Training.Recipes.Names]);
        return option;
    }

    public static Option<int?> Tile() => new Option<int?>("--tile") { Description = "tile side T in pixels (default: the full image)" }.AtLeast(1);

    public static Option<int> Epochs(int defaultValue) => new Option<int>("--epochs")
    {
        Description = "number of training epochs",
        DefaultValueFactory = _ => defaultValue,
    }.AtLeast(1);

    public static Option<int> Batch(int defaultValue = 128) => new Option<int>("--batch")
    {
        Description = "batch size",
        DefaultValueFactory = _ => defaultValue,
    }.AtLeast(1);

    public static Option<int> Seed() => new("--seed") { Description = "random seed", DefaultValueFactory = _ => 42 };

    public static Option<string?> Out() => new("--out") { Description = "run folder to write results into (default: a new runs/COMMAND-DATE-TIME folder)" };

    public static Option<bool> Json() => new("--json") { Description = "print the figures as one JSON object on stdout" };

    public static Option<string> Device() => new("--device")
    {
        Description = Myopia.Devices.DeviceChoice.Help,
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<string> Precision() => new Option<string>("--precision")
    {
        Description = Myopia.Compute.PrecisionChoice.Help,
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong(Myopia.Compute.PrecisionChoice.Names);

    public static Option<string> MemoryFormat() => new Option<string>("--memory-format")
    {
        Description = Myopia.Compute.MemoryFormats.Help,
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong(Myopia.Compute.MemoryFormats.Names);

    public static Option<int> Threads()
    {
        var option = new Option<int>("--threads")
        {
            Description = "CPU threads for libtorch (0: libtorch's default)",
            DefaultValueFactory = _ => 0,
        };
        option.Validators.Add(result =>
        {
            if (ThreadsProblem(OptionRules.Value<int>(result)) is { } problem) result.AddError(problem);
        });
        return option;
    }

    /// <summary>
    /// The images per forward pass of an analysis: --batch as given; left at its default it counts 32 x 32
    /// images, so 224-pixel photos go a few at a time instead of holding the default's activations (gigabytes).
    /// </summary>
    public static int ImageBatch(System.CommandLine.ParseResult parse, Option<int> batch, Myopia.Data.ImageDataset data)
    {
        int value = Positive(parse.GetValue(batch), "--batch");
        return parse.GetResult(batch) is null or { Implicit: true }
            ? Myopia.Training.Trainer.EvaluationBatch(value, data.Height, data.Width)
            : value;
    }
}
