using System.Text.Json.Nodes;
using Myopia.Augmentation;
using Myopia.IO;

namespace Myopia.Training;

/// <summary>
/// Named sets of training defaults (<c>train --recipe NAME</c>, <c>sweep --recipe NAME</c>). A recipe sets
/// the options in <see cref="Keys"/>; every one of them given explicitly on the command line overrides the
/// recipe's value, and the rest (data, tile, seed, limits, machine) are never touched. Tiles work with
/// every recipe: the trainer crops them.
/// </summary>
public static class Recipes
{
    public const string Paper = "paper";
    public const string Airbench = "airbench";
    public const string Petrini = "petrini";

    // ---- airbench: airbench94 (Keller Jordan, github.com/KellerJordan/cifar10-airbench, legacy/airbench94.py) ----
    // airbench writes its hyperparameters "decoupled" for a loss SUMMED over the batch; these are the
    // equivalent standard values for PyTorch SGD on a loss AVERAGED over a batch of 1024.
    /// <summary>Network: airbench94's make_net (see <see cref="Models.AirbenchNet"/>, which also carries its BN-bias lr x64).</summary>
    public const string AirbenchModel = "airbench";
    /// <summary>hyp opt.batch_size.</summary>
    public const int AirbenchBatch = 1024;
    /// <summary>hyp opt.train_epochs is 9.9; whole epochs here.</summary>
    public const int AirbenchEpochs = 10;
    /// <summary>hyp opt.momentum, with Nesterov (torch.optim.SGD(..., nesterov=True)).</summary>
    public const double AirbenchMomentum = 0.85;
    /// <summary>hyp opt.lr = 11.5 per 1024 examples, divided by kilostep_scale = 1024·(1 + 1/(1 − momentum)) for a summed
    /// loss; times 1024 for a mean loss: 11.5 / (1 + 1/0.15) = 1.5.</summary>
    public const double AirbenchLr = 1.5; // 11.5 / (1 + 1/(1 - 0.85)), written out so config.json reads 1.5
    /// <summary>hyp opt.weight_decay = 0.0153 per 1024 examples, decoupled from the lr: PyTorch's weight_decay = 0.0153·1024/11.5 on
    /// the summed loss, /1024 on the mean loss: 0.0153 / 11.5 = 0.00133 (applied to every trained weight, as airbench does).</summary>
    public const double AirbenchWeightDecay = 0.0153 / 11.5;
    /// <summary>hyp opt.label_smoothing.</summary>
    public const double AirbenchLabelSmoothing = 0.2;
    /// <summary>hyp aug.translate: random translation by up to 2 pixels with reflect padding (full images only: tiles are already random crops).</summary>
    public const int AirbenchPad = 2;
    /// <summary>The lr schedule of airbench94's get_lr: 0.2·lr to lr over 23% of the steps, then linearly to 0.07·lr (<see cref="LearningRateSchedule"/>).</summary>
    public const string AirbenchSchedule = "warmup-linear";
    /// <summary>hyp net.tta_level 1: mean logits of each test image and its mirror (airbench's level 2 also translates by a pixel; not here).</summary>
    public const string AirbenchTta = "flip";
    // Not taken from airbench: its flips alternate deterministically per epoch (here: a random flip per image
    // and epoch, as every recipe), its Lookahead/EMA of the weights, and its whitening bias frozen after 3 epochs.

    /// <summary>The options a recipe sets (snake_case, as in config.json).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "model", "optimizer", "lr", "weight_decay", "momentum", "nesterov", "batch", "epochs", "schedule", "milestones", "gamma",
        "label_smoothing", "pad", "pad_mode", "flip", "tta", "weight_decay_on", "loss",
    ];

    private static readonly Recipe[] All =
    [
        new(Paper, "the tile study's defaults: smallcnn, Adam (coupled L2, lr 0.002, weight decay 1e-4), MultiStep halving, batch 128, 10 epochs, random flips",
            _ => new TrainOptions()),
        new(Airbench, "airbench94 (fastest published CIFAR-10 training): airbench net, SGD Nesterov lr 1.5 momentum 0.85 weight decay 0.00133, batch 1024, " +
                      "10 epochs, warmup-linear schedule, label smoothing 0.2, random flips, 2-pixel reflect translation (full images only; " +
                      "with --tile the random tile is the translation), test-time flip",
            tile => new TrainOptions
            {
                Recipe = Airbench, Model = AirbenchModel, Optimizer = "sgd", Lr = AirbenchLr, WeightDecay = AirbenchWeightDecay, Momentum = AirbenchMomentum,
                Nesterov = true, Batch = AirbenchBatch, Epochs = AirbenchEpochs, Schedule = AirbenchSchedule, LabelSmoothing = AirbenchLabelSmoothing,
                Pad = tile is null ? AirbenchPad : 0, PadMode = PadMode.Reflect, Flip = true, Tta = AirbenchTta,
            }),
        // ---- petrini: the training of Petrini et al. 2021 and Tomasini et al. 2023 (leonardopetrini/diffeo-sota, main.py and optim_loss.py) ----
        new(Petrini, "Petrini et al.'s diffeo-stability training: vgg11bn, SGD lr 0.1 momentum 0.9, weight decay 5e-4 on weights only (ndim > 1), batch 128, " +
                     "250 epochs, CosineAnnealingLR over 0.8 of the epochs (cosine-0.8), random 4-pixel zero-padded crops and flips; measure the run's best.pt " +
                     "(the best-test checkpoint, as the papers do)",
            tile => new TrainOptions
            {
                Recipe = Petrini, Model = "vgg11bn", Optimizer = "sgd", Lr = 0.1, WeightDecay = 5e-4, WeightDecayOn = "weights", Momentum = 0.9, Nesterov = false,
                Batch = 128, Epochs = 250, Schedule = "cosine-0.8", Pad = tile is null ? 4 : 0, PadMode = PadMode.Zero, Flip = true,
            }),
    ];

    public static IReadOnlyList<string> Names => All.Select(r => r.Name).ToList();

    public static bool Exists(string name) => All.Any(r => r.Name == name);

    public static Recipe Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new MyopiaException($"unknown recipe '{name}'; use one of {string.Join(", ", Names)}");

    /// <summary>One line per recipe, for help texts.</summary>
    public static string HelpText() => string.Join(Environment.NewLine, All.Select(r => $"{r.Name}: {r.Description}"));

    /// <summary>
    /// <paramref name="options"/> (as parsed, defaults included) with every recipe option that was not
    /// <paramref name="given"/> (snake_case names) replaced by the recipe's value for the options' tile.
    /// </summary>
    public static TrainOptions Apply(string name, TrainOptions options, IReadOnlySet<string> given)
    {
        var defaults = JsonNode.Parse(JsonOutput.Serialize(Get(name).For(options.Tile)))!.AsObject();
        var result = JsonNode.Parse(JsonOutput.Serialize(options))!.AsObject();
        foreach (var key in Keys.Where(k => !given.Contains(k)))
            result[key] = defaults[key]?.DeepClone();
        return JsonOutput.Deserialize<TrainOptions>(result.ToJsonString()) with { Recipe = name };
    }

    /// <summary>
    /// The options of a run on <paramref name="tile"/> derived from a recipe's full-image options (a sweep's
    /// points): a recipe whose translation padding is for full images only drops it on tiles.
    /// </summary>
    public static TrainOptions WithTile(TrainOptions options, int? tile)
    {
        var result = options with { Tile = tile };
        if (tile is not null && Exists(options.Recipe) && options.Pad == Get(options.Recipe).For(null).Pad && Get(options.Recipe).For(tile).Pad == 0)
            result = result with { Pad = 0 };
        return result;
    }
}

/// <summary>A named set of training defaults; <see cref="For"/> gives them for a tile side (null: full images).</summary>
public sealed record Recipe(string Name, string Description, Func<int?, TrainOptions> For);
