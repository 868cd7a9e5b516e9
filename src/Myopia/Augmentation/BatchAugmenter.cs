using static TorchSharp.torch;

namespace Myopia.Augmentation;

/// <summary>Builds one normalized training batch from uint8 images and an epoch's plan, all as tensor ops.</summary>
public sealed class BatchAugmenter(AugmentationOptions options, Normalizer normalizer)
{
    public AugmentationOptions Options { get; } = options;

    /// <summary>Images and labels for plan positions [start, start + count).</summary>
    public (Tensor Images, Tensor Labels) Batch(Tensor images, Tensor labels, EpochPlan plan, long start, long count)
    {
        using var scope = NewDisposeScope();
        var index = plan.Order.narrow(0, start, count);
        var x = images.index_select(0, index).to_type(ScalarType.Float32).div_(255f);
        int height = (int)x.shape[2];
        if (Options.Pad > 0)
            x = Padding.Apply(x, Options.Pad, Options.PadMode);
        if (plan.Top is not null)
            x = TileCrop.Crop(x, plan.Top.narrow(0, start, count), plan.Left!.narrow(0, start, count), Options.Tile ?? height);
        if (plan.Flip is not null)
            x = HorizontalFlip.Apply(x, plan.Flip.narrow(0, start, count));
        var normalized = normalizer.Normalize(x);
        if (Options.InputNoise > 0)
            normalized = normalized + randn_like(normalized) * (Options.InputNoise / Math.Sqrt(normalized[0].numel()));
        var y = labels.index_select(0, index);
        return (normalized.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
