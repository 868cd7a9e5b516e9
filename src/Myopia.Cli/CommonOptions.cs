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

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "where the dataset lives: a folder or an archive (.tar.gz) in its official format",
    };

    public static Option<string> Model(string defaultValue = "smallcnn") => new("--model")
    {
        Description = "network name (see 'myopia train --help' for the list)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int?> Tile() => new("--tile") { Description = "tile side T in pixels (default: the full image)" };

    public static Option<int> Epochs(int defaultValue) => new("--epochs")
    {
        Description = "number of training epochs",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Batch(int defaultValue = 128) => new("--batch")
    {
        Description = "batch size",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Seed() => new("--seed") { Description = "random seed", DefaultValueFactory = _ => 42 };

    public static Option<string?> Out() => new("--out") { Description = "run folder to write results into" };

    public static Option<string> Checkpoint() => new("--checkpoint")
    {
        Description = "a checkpoint written by 'myopia train' (checkpoint.pt in a run folder, or the run folder)",
        Required = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "print the figures as one JSON object on stdout" };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads for libtorch (0: libtorch's default)",
        DefaultValueFactory = _ => 0,
    };
}
