using static TorchSharp.torch;

namespace Myopia.Augmentation;

/// <summary>Batched random horizontal flip: image n is mirrored left-right where flip[n] is true.</summary>
public static class HorizontalFlip
{
    public static Tensor SampleMask(int count, double probability, Generator generator)
    {
        using var u = rand([count], generator: generator);
        return u.lt(probability);
    }

    public static Tensor Apply(Tensor images, Tensor flipMask)
    {
        using var flipped = images.flip(3);
        using var mask = flipMask.to(images.device).view(-1, 1, 1, 1);
        return where(mask, flipped, images);
    }
}
