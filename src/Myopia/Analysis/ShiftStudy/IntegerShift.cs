using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// Integer shifts of a batch (N x C x H x W, any dtype) as tensor ops. A shift (dy, dx) moves the
/// content down by dy and right by dx: out[y, x] = in[y − dy, x − dx]. The output has the input's shape.
/// </summary>
public static class IntegerShift
{
    /// <summary>Shifts with the circular or zero boundary; the crop boundary needs a larger source (<see cref="Window"/>).</summary>
    public static Tensor Apply(Tensor images, int dy, int dx, ShiftBoundary boundary) => boundary switch
    {
        ShiftBoundary.Circular => images.roll([dy, dx], [2, 3]),
        ShiftBoundary.Zero => ZeroFilled(images, dy, dx),
        _ => throw new MyopiaException("a crop shift takes windows of a larger image: use IntegerShift.Window on the source"),
    };

    /// <summary>
    /// The <paramref name="height"/> x <paramref name="width"/> window whose top-left corner is at
    /// (<paramref name="top"/>, <paramref name="left"/>) of a larger source: moving the window by (+1, +1)
    /// shifts the content by (−1, −1).
    /// </summary>
    public static Tensor Window(Tensor source, int top, int left, int height, int width)
    {
        if (top < 0 || left < 0 || top + height > source.shape[2] || left + width > source.shape[3])
            throw new MyopiaException($"window {height}x{width} at ({top}, {left}) leaves the {source.shape[2]}x{source.shape[3]} source");
        return source.narrow(2, top, height).narrow(3, left, width);
    }

    private static Tensor ZeroFilled(Tensor images, int dy, int dx)
    {
        long h = images.shape[2], w = images.shape[3];
        var output = zeros_like(images);
        if (Math.Abs(dy) >= h || Math.Abs(dx) >= w) return output;
        long rows = h - Math.Abs(dy), cols = w - Math.Abs(dx);
        using var from = images.narrow(2, Math.Max(0, -dy), rows).narrow(3, Math.Max(0, -dx), cols);
        using var to = output.narrow(2, Math.Max(0, dy), rows).narrow(3, Math.Max(0, dx), cols);
        to.copy_(from);
        return output;
    }
}
