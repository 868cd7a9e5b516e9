using static TorchSharp.torch;

namespace Myopia.Augmentation;

/// <summary>Builds one normalized training batch from uint8 images and an epoch's plan, all as tensor ops.</summary>
public sealed class BatchAugmenter(AugmentationOptions options, Normalizer normalizer)
{
    public AugmentationOptions Options { get; } = options;

    /// <summary>Images and labels for plan positions [start, start + count).</summary>
    public (Tensor Images, Tensor Labels) Batch(Data.ImageDataset data, EpochPlan plan, long start, long count)
    {
        using var scope = NewDisposeScope();
        var index = plan.Order.narrow(0, start, count);
        var x = data.Gather(index, plan.Draw).to_type(ScalarType.Float32).div_(255f);
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
        var y = data.Labels.index_select(0, index);
        return (normalized.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>Starts decoding the batch at plan positions [start, start + count) of a streamed split.</summary>
    public static void Prefetch(Data.ImageDataset data, EpochPlan plan, long start, long count)
    {
        if (!data.IsStreamed || count <= 0 || start + count > plan.Order.shape[0]) return;
        using var index = plan.Order.narrow(0, start, count);
        data.Prefetch(index, plan.Draw);
    }
}
