using Myopia.Data.Synthetic;

namespace Myopia.Data.Transforms;

/// <summary>
/// How photos of any size become a split's fixed-size images, in torchvision's terms: the evaluation
/// transform <c>Resize(Resize)</c> (short side, long side truncated as torchvision does) then
/// <c>CenterCrop(Crop)</c>; the training split may instead take a <see cref="RandomResizedCrop"/> per
/// image and epoch. Every step uses Pillow's resampling with the named <see cref="Interpolation"/>.
/// </summary>
public sealed record ImagePipeline(int? Resize, int? Crop, Interpolation Interpolation = Interpolation.Bilinear, RandomResizedCrop? TrainCrop = null)
{
    /// <summary>torchvision's ImageNet evaluation transform: Resize(256), CenterCrop(224), bilinear.</summary>
    public static ImagePipeline ImageNetEvaluation { get; } = new(256, 224);

    /// <summary>No resize, no crop: images are used at their own (common) size.</summary>
    public static ImagePipeline None { get; } = new(null, null);

    public bool IsIdentity => Resize is null && Crop is null && TrainCrop is null;

    /// <summary>Whether the training split is drawn afresh each epoch (and so cannot be decoded once).</summary>
    public bool IsRandom => TrainCrop is not null;

    /// <summary>The side of every output image, when the pipeline fixes it (a crop); null when it depends on the image.</summary>
    public (int Height, int Width)? OutputSize(bool train) =>
        train && TrainCrop is { } r ? (r.Size, r.Size) : Crop is { } c ? (c, c) : null;

    public void Validate()
    {
        if (Resize is < 1) throw new MyopiaException($"resize must be at least 1 pixel, got {Resize}");
        if (Crop is < 1) throw new MyopiaException($"crop must be at least 1 pixel, got {Crop}");
        TrainCrop?.Validate();
    }

    /// <summary>The evaluation transform of one image.</summary>
    public PlanarImage Evaluate(PlanarImage image) => Evaluate(RgbaImage.From(image));

    /// <summary>The evaluation transform of one decoded image.</summary>
    public PlanarImage Evaluate(RgbaImage image)
    {
        var whole = (0, 0, image.Width, image.Height);
        if (Resize is { } side)
        {
            var (h, w) = ShortSideSize(image.Height, image.Width, side);
            // A crop inside the resized image is computed alone: the same pixels, a third of the work.
            if (Crop is { } c && c <= h && c <= w)
                return PillowResampler.Resize(image, whole, w, h, Interpolation, ((int)Math.Round((w - c) / 2.0), (int)Math.Round((h - c) / 2.0), c, c));
            var resized = PillowResampler.Resize(image, whole, w, h, Interpolation, (0, 0, w, h));
            return Crop is { } crop ? CenterCrop(resized, crop) : resized;
        }
        return Crop is { } only ? CenterCrop(image.ToPlanar(), only) : image.ToPlanar();
    }

    /// <summary>The training transform of one image; <paramref name="seed"/> fixes its random crop.</summary>
    public PlanarImage Train(PlanarImage image, ulong seed) => Train(RgbaImage.From(image), seed);

    /// <summary>The training transform of one decoded image; <paramref name="seed"/> fixes its random crop.</summary>
    public PlanarImage Train(RgbaImage image, ulong seed)
    {
        if (TrainCrop is not { } random) return Evaluate(image);
        var generator = new SplitMix64(seed);
        var box = random.SampleBox(image.Width, image.Height, ref generator);
        return PillowResampler.Resize(image, box, random.Size, random.Size, Interpolation, (0, 0, random.Size, random.Size));
    }

    /// <summary>torchvision's Resize(int): the short side becomes <paramref name="side"/>, the long side int(side * long / short).</summary>
    public static (int Height, int Width) ShortSideSize(int height, int width, int side)
    {
        if (width <= height) return ((int)((double)side * height / width), side);
        return (side, (int)((double)side * width / height));
    }

    /// <summary>torchvision's CenterCrop: the offset is round((size - crop) / 2), zero-padding a side smaller than the crop.</summary>
    public static PlanarImage CenterCrop(PlanarImage image, int crop)
    {
        if (crop > image.Width || crop > image.Height)
        {
            // torchvision pads (crop - w) // 2 on the left and the rest on the right, then crops the middle.
            int padLeft = crop > image.Width ? (crop - image.Width) / 2 : 0;
            int padTop = crop > image.Height ? (crop - image.Height) / 2 : 0;
            int padRight = crop > image.Width ? (crop - image.Width + 1) / 2 : 0;
            int padBottom = crop > image.Height ? (crop - image.Height + 1) / 2 : 0;
            image = image.Crop(-padLeft, -padTop, image.Width + padLeft + padRight, image.Height + padTop + padBottom);
            if (image.Width == crop && image.Height == crop) return image;
        }
        int top = (int)Math.Round((image.Height - crop) / 2.0);
        int left = (int)Math.Round((image.Width - crop) / 2.0);
        return image.Crop(left, top, crop, crop);
    }

    /// <summary>The pipeline as dataset options ("resize=256,crop=224,interpolation=bilinear").</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Resize is { } r) parts.Add($"resize={r}");
        if (Crop is { } c) parts.Add($"crop={c}");
        if (TrainCrop is { } t)
        {
            parts.Add($"random-resized-crop={t.Size}");
            parts.Add(FormattableString.Invariant($"scale={t.ScaleMin:G6}-{t.ScaleMax:G6}"));
            parts.Add(FormattableString.Invariant($"ratio={t.RatioMin:G6}-{t.RatioMax:G6}"));
        }
        if (parts.Count > 0) parts.Add($"interpolation={Interpolations.Name(Interpolation)}");
        return parts.Count == 0 ? "none" : string.Join(",", parts);
    }
}
