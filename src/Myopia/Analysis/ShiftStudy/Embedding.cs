using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// Azulay's embedding: resize the whole image to d x d and paste it on a larger canvas at (top, left),
/// the rest of the canvas black, the dataset's mean colour or inpainted. Float pixels in [0, 255].
/// </summary>
public static class Embedding
{
    /// <summary>Bilinear resize to <paramref name="height"/> x <paramref name="width"/> (antialiased when shrinking, as PIL and torchvision's Resize).</summary>
    public static Tensor Resize(Tensor images, int height, int width)
    {
        if (height < 1 || width < 1) throw new MyopiaException($"cannot resize to {height}x{width}");
        if (images.shape[2] == height && images.shape[3] == width) return images.to_type(ScalarType.Float32, copy: true);
        using var input = images.to_type(ScalarType.Float32);
        bool shrinking = height < images.shape[2] || width < images.shape[3];
        return nn.functional.interpolate(input, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: shrinking);
    }

    /// <param name="images">Float N x C x d x d (already resized).</param>
    /// <param name="mean">Per-channel mean pixel (0..255), for <see cref="Background.Mean"/>.</param>
    public static Tensor Paste(Tensor images, int canvasHeight, int canvasWidth, int top, int left, Background background,
        float[]? mean = null, Inpainting.Options? inpainting = null)
    {
        long d = images.shape[2], e = images.shape[3];
        if (top < 0 || left < 0 || top + d > canvasHeight || left + e > canvasWidth)
            throw new MyopiaException($"a {d}x{e} image at ({top}, {left}) does not fit the {canvasHeight}x{canvasWidth} canvas");
        var canvas = zeros(images.shape[0], images.shape[1], canvasHeight, canvasWidth, dtype: images.dtype, device: images.device);
        if (background == Background.Mean)
        {
            if (mean is null || mean.Length != images.shape[1]) throw new MyopiaException("the mean background needs one mean per channel");
            using var colour = tensor(mean, dtype: images.dtype, device: images.device).view(1, -1, 1, 1);
            canvas.add_(colour);
        }
        using (var region = canvas.narrow(2, top, d).narrow(3, left, e)) region.copy_(images);
        if (background != Background.Inpaint) return canvas;
        using (canvas) return Inpainting.Fill(canvas, inpainting);
    }

    /// <summary>Embedding side d = ⌊side / s⌋ for scale s > 1 (Azulay: 224 / 1.3 = 172).</summary>
    public static int Side(int canvas, double scale) => (int)Math.Floor(canvas / scale + 1e-9);
}
