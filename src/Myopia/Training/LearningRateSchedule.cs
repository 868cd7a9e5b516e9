namespace Myopia.Training;

/// <summary>
/// Learning rate as a function of training progress. MultiStep changes once per epoch (as the
/// paper's MultiStepLR stepped per epoch), as does cosine-0.8; cosine, one-cycle and warmup-linear change every batch.
/// Computing the rate from (epoch, fraction) instead of stepping a stateful scheduler makes a
/// resumed run see exactly the rates an uninterrupted one would.
/// </summary>
public sealed class LearningRateSchedule(TrainOptions options)
{
    public static readonly string[] Names = ["multistep", "cosine", "cosine-0.8", "onecycle", "constant", "warmup-linear"];

    /// <summary>cosine-0.8: PyTorch's CosineAnnealingLR with T_max = 0.8·epochs stepped per epoch, as Petrini et al. train; past T_max the rate rises again.</summary>
    public const double ShortCosineFraction = 0.8;

    /// <summary>warmup-linear, as airbench94's get_lr: the first 23% of training rises linearly from 0.2·lr to lr, the rest falls linearly to 0.07·lr.</summary>
    public const double WarmupFraction = 0.23, WarmupStartFactor = 0.2, EndFactor = 0.07;

    /// <summary>The rate at <paramref name="epoch"/> (0-based) plus <paramref name="fraction"/> of it done.</summary>
    public double At(int epoch, double fraction)
    {
        double progress = (epoch + fraction) / options.Epochs;
        return options.Schedule switch
        {
            "multistep" => options.Lr * Math.Pow(options.Gamma, options.Milestones.Count(m => m <= epoch)),
            "cosine" => options.Lr * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            // CosineAnnealingLR's closed form, lr·(1 + cos(π·epoch / T_max)) / 2, which its recursive steps follow also beyond T_max.
            "cosine-0.8" => options.Lr * 0.5 * (1 + Math.Cos(Math.PI * epoch / (ShortCosineFraction * options.Epochs))),
            "onecycle" => OneCycle(progress),
            "constant" => options.Lr,
            "warmup-linear" => WarmupLinear(progress),
            _ => throw new MyopiaException($"unknown schedule '{options.Schedule}'"),
        };
    }

    private double WarmupLinear(double progress)
    {
        double factor = progress < WarmupFraction
            ? WarmupStartFactor + (1 - WarmupStartFactor) * progress / WarmupFraction
            : 1 + (EndFactor - 1) * (progress - WarmupFraction) / (1 - WarmupFraction);
        return options.Lr * factor;
    }

    // PyTorch's OneCycleLR defaults: warm up for 30% from max/25 to max, then anneal (cosine) to max/25/1e4.
    private double OneCycle(double progress)
    {
        const double warmup = 0.3;
        double max = options.Lr, start = max / 25, end = start / 1e4;
        static double Cosine(double from, double to, double t) => to + (from - to) * 0.5 * (1 + Math.Cos(Math.PI * t));
        return progress < warmup
            ? Cosine(start, max, progress / warmup)
            : Cosine(max, end, (progress - warmup) / (1 - warmup));
    }
}
