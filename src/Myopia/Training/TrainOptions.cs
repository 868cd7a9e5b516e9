using Myopia.Augmentation;

namespace Myopia.Training;

/// <summary>
/// Everything that defines a training run, in one record saved next to its results (config.json)
/// and inside every checkpoint. Defaults are the paper's recipe: Adam with coupled L2 (lr 0.002,
/// weight decay 1e-4), MultiStep halving at epochs 40, 80, 100, 150, 200, 250, 300, batch 128.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>The named recipe (<see cref="Recipes"/>) whose defaults the run started from; flags given explicitly override them. Runs saved before recipes existed are "paper".</summary>
    public string Recipe { get; init; } = Recipes.Paper;

    // ---- data ----
    public string Data { get; init; } = "synthetic";
    public string? DataDir { get; init; }
    /// <summary>Use only N training images, a fixed random subset (null: all). For quick runs.</summary>
    public int? TrainLimit { get; init; }
    public int? TestLimit { get; init; }

    // ---- augmentation ----
    /// <summary>Tile side T; null trains on full images (flips only, as the paper's baseline).</summary>
    public int? Tile { get; init; }
    public int Pad { get; init; }
    public PadMode PadMode { get; init; } = PadMode.Zero;
    public bool Flip { get; init; } = true;

    // ---- network ----
    public string Model { get; init; } = "smallcnn";

    /// <summary>Stem of a ResNet or head of a VGG (study, cifar, imagenet); null for the architecture's default.</summary>
    public string? Stem { get; init; }

    /// <summary>BlurPool filter size in every downsampling layer (Zhang 2019); 0 for none.</summary>
    public int Antialias { get; init; }

    /// <summary>Adaptive polyphase sampling in the pools (vggsmall, smallcnn); false: the plain grid.</summary>
    public bool Aps { get; init; }

    /// <summary>The registry options this run's network is built with.</summary>
    public Models.ModelOptions ModelOptions(int classes, int channels) =>
        new(classes, channels, Stem is null ? null : Models.StemNames.Parse(Stem), Antialias, Aps ? Models.Downsampling.Aps : Models.Downsampling.Subsample);

    // ---- optimization ----
    public int Epochs { get; init; } = 10;
    public int Batch { get; init; } = 128;
    public int Seed { get; init; } = 42;
    public string Optimizer { get; init; } = "adam";
    public double Lr { get; init; } = 0.002;
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Which parameters weight decay applies to: "all", or "weights" (parameters with more than one dimension: biases and batch-norm affine parameters exempt, as Petrini et al. train).</summary>
    public string WeightDecayOn { get; init; } = "all";
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; }
    public string Schedule { get; init; } = "multistep";
    public int[] Milestones { get; init; } = [40, 80, 100, 150, 200, 250, 300];
    public double Gamma { get; init; } = 0.5;
    /// <summary>Noise-corrupted training (Petrini et al.): fresh white noise of norm about this (std·g/√(C·H·W)) added to every
    /// normalised training and test image, and to every image an analysis of the trained network sees; 0: none.</summary>
    public double InputNoise { get; init; }
    /// <summary>Training loss: "cross-entropy", or "hinge" (two classes only; <see cref="HingeLoss"/>: the scale-detection tasks' loss).</summary>
    public string Loss { get; init; } = "cross-entropy";
    /// <summary>Label smoothing of the training loss (PyTorch's cross_entropy label_smoothing); 0: none.</summary>
    public double LabelSmoothing { get; init; }

    // ---- evaluation / machine ----
    public int EvalBatch { get; init; } = 256;
    /// <summary>Test-time augmentation of the per-epoch full-image evaluation: "none", or "flip" (mean logits of each image and its mirror).</summary>
    public string Tta { get; init; } = "none";

    /// <summary>Evaluate on the test images every N epochs; the final epoch is always evaluated (other epochs record no test figures and cannot become best.pt).</summary>
    public int EvalEvery { get; init; } = 1;

    /// <summary>--precision: auto, fp32 or bf16 (see <see cref="Compute.PrecisionChoice"/>); the resolved precision is recorded in the checkpoint.</summary>
    public string Precision { get; init; } = "auto";

    /// <summary>--memory-format: auto, contiguous or channels-last (see <see cref="Compute.MemoryFormats"/>); the resolved layout is recorded in the checkpoint.</summary>
    public string MemoryFormat { get; init; } = "auto";

    /// <summary>libtorch CPU threads; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }

    /// <summary>Where the network trains: cpu, cuda, cuda:N or auto (see <see cref="Devices.DeviceChoice"/>). Not part of a run's identity: a run may resume on another device.</summary>
    public string Device { get; init; } = "cpu";

    public AugmentationOptions Augmentation => new(Tile, Pad, PadMode, Flip, InputNoise);

    public static readonly string[] Optimizers = ["adam", "adamw", "sgd"];

    public static readonly string[] TestTimeAugmentations = ["none", "flip"];

    public static readonly string[] WeightDecayScopes = ["all", "weights"];

    public static readonly string[] Losses = ["cross-entropy", HingeLoss.Name];

    /// <summary>Rejects impossible settings with one clear message.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new MyopiaException($"--epochs must be at least 1, got {Epochs}");
        if (Batch < 1) throw new MyopiaException($"--batch must be at least 1, got {Batch}");
        if (EvalBatch < 1) throw new MyopiaException($"eval batch must be at least 1, got {EvalBatch}");
        if (Tile is < 1) throw new MyopiaException($"--tile must be positive, got {Tile}");
        if (Pad < 0) throw new MyopiaException($"--pad must be >= 0, got {Pad}");
        if (Tile is not null && Pad > 0) throw new MyopiaException("use either --tile (crops without padding) or --pad (pad-and-crop to the image size), not both");
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new MyopiaException($"--lr must be a positive number, got {Lr}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new MyopiaException($"--weight-decay must be a number >= 0, got {WeightDecay}");
        if (!WeightDecayScopes.Contains(WeightDecayOn)) throw new MyopiaException($"unknown --weight-decay-on '{WeightDecayOn}'; use one of {string.Join(", ", WeightDecayScopes)}");
        if (!(Momentum >= 0 && Momentum < 1)) throw new MyopiaException($"--momentum must be in [0, 1), got {Momentum}");
        if (!(Gamma > 0 && Gamma <= 1)) throw new MyopiaException($"--gamma must be in (0, 1], got {Gamma}");
        if (Milestones is null) throw new MyopiaException("milestones must be a list of epochs");
        if (Milestones.Any(m => m < 1)) throw new MyopiaException($"--milestones must be epochs >= 1, got {string.Join(",", Milestones)}");
        for (int i = 1; i < Milestones.Length; i++)
            if (Milestones[i] <= Milestones[i - 1]) throw new MyopiaException($"--milestones must increase, got {string.Join(",", Milestones)}");
        if (string.IsNullOrWhiteSpace(Data)) throw new MyopiaException("--data names no dataset");
        if (string.IsNullOrWhiteSpace(Model)) throw new MyopiaException("--model names no network");
        if (!Optimizers.Contains(Optimizer)) throw new MyopiaException($"unknown optimizer '{Optimizer}'; use one of {string.Join(", ", Optimizers)}");
        if (!LearningRateSchedule.Names.Contains(Schedule)) throw new MyopiaException($"unknown schedule '{Schedule}'; use one of {string.Join(", ", LearningRateSchedule.Names)}");
        if (TrainLimit is < 1 || TestLimit is < 1) throw new MyopiaException("--train-limit and --test-limit must be positive");
        if (!(InputNoise >= 0) || double.IsInfinity(InputNoise)) throw new MyopiaException($"--input-noise must be a number >= 0, got {InputNoise}");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw new MyopiaException($"--label-smoothing must be in [0, 1), got {LabelSmoothing}");
        if (!Losses.Contains(Loss)) throw new MyopiaException($"unknown --loss '{Loss}'; use one of {string.Join(", ", Losses)}");
        if (Loss == HingeLoss.Name && LabelSmoothing > 0) throw new MyopiaException("--label-smoothing applies to the cross-entropy loss, not to --loss hinge");
        if (!TestTimeAugmentations.Contains(Tta)) throw new MyopiaException($"unknown --tta '{Tta}'; use one of {string.Join(", ", TestTimeAugmentations)}");
        if (!Recipes.Exists(Recipe)) throw new MyopiaException($"unknown recipe '{Recipe}'; use one of {string.Join(", ", Recipes.Names)}");
        if (Threads < 0) throw new MyopiaException($"--threads must be >= 0, got {Threads}");
        if (EvalEvery < 1) throw new MyopiaException($"--eval-every must be at least 1, got {EvalEvery}");
        Compute.PrecisionChoice.Validate(Precision);
        Compute.MemoryFormats.Validate(MemoryFormat);
        ValidateModelAndData();
    }

    // The network exists with this stem and filter, and the tile fits both the network and the images,
    // known before any data is read (a sweep checks every run this way before starting one).
    private void ValidateModelAndData()
    {
        if (!Models.ModelRegistry.Exists(Model))
            throw new MyopiaException($"unknown model '{Model}'; known models: {string.Join(", ", Models.ModelRegistry.Names)}");
        if (Stem is not null && !Models.StemNames.All.Contains(Stem))
            throw new MyopiaException($"unknown stem '{Stem}'; use one of {string.Join(", ", Models.StemNames.All)}");
        var modelOptions = Models.ModelRegistry.Resolve(Model, ModelOptions(classes: 1, channels: 1));
        int? side = Myopia.Data.DatasetImageSide.Of(Data);
        if (Tile is { } t)
        {
            Models.ModelRegistry.CheckInputSide(Model, modelOptions, t, "--tile");
            if (side is { } s && t > s) throw new MyopiaException($"tile {t}x{t} is larger than the {s}x{s} images of {this.Data}");
        }
        else if (side is { } s)
        {
            Models.ModelRegistry.CheckInputSide(Model, modelOptions, s, $"the image side of {this.Data},");
        }
    }
}
