using Myopia.Augmentation;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>
/// Gives an <see cref="IDataInitialized"/> network its data-derived weights before the first epoch of a
/// fresh run: the first <see cref="Images"/> training images of a permutation drawn from the run's seed,
/// normalized, cropped to the run's tile when it trains on tiles, neither flipped nor padded.
/// </summary>
public static class DataInitialization
{
    /// <summary>How many images (airbench uses the first 5,000 of the training set).</summary>
    public const int Images = 5000;

    // An epoch index no training epoch uses, so the sample is drawn from its own generator.
    private const int PlanIndex = int.MaxValue;

    public static void Run(IDataInitialized model, Data.ImageDataset images, TrainOptions options, Normalizer normalizer, Device device)
    {
        using var scope = NewDisposeScope();
        int n = images.Count, height = images.Height, width = images.Width;
        var crop = options.Augmentation with { Pad = 0, Flip = false };
        using var plan = EpochPlan.Create(n, height, width, crop, options.Seed, PlanIndex);
        var (x, _) = new BatchAugmenter(crop, normalizer).Batch(images, plan, 0, Math.Min(Images, n));
        model.InitializeFromData(x.to(device));
    }
}
