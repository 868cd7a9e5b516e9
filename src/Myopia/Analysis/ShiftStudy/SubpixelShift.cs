using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// Sub-pixel shifts by bilinear interpolation: out[y, x] = in(y − dy, x − dx), interpolated between the
/// four nearest pixels, the boundary as for integer shifts (zero or circular). Separable: a fractional
/// shift a along one axis is (1 − a)·Shift(⌊d⌋) + a·Shift(⌊d⌋ + 1). Integer (dy, dx) give exactly
/// <see cref="IntegerShift.Apply"/>. Float input (pixels as float in [0, 255] or normalized).
/// </summary>
public static class SubpixelShift
{
    public static Tensor Apply(Tensor images, double dy, double dx, ShiftBoundary boundary = ShiftBoundary.Zero)
    {
        if (boundary == ShiftBoundary.Crop)
            throw new MyopiaException("sub-pixel shifts take the zero or circular boundary");
        if (!images.is_floating_point()) throw new MyopiaException("sub-pixel shifts need float images");
        using var rows = Axis(images, dy, boundary, vertical: true);
        return Axis(rows, dx, boundary, vertical: false);
    }

    private static Tensor Axis(Tensor images, double d, ShiftBoundary boundary, bool vertical)
    {
        int whole = (int)Math.Floor(d);
        double fraction = d - whole;
        Tensor Shift(int by) => vertical ? IntegerShift.Apply(images, by, 0, boundary) : IntegerShift.Apply(images, 0, by, boundary);
        if (fraction == 0) return Shift(whole);
        using var low = Shift(whole);
        using var high = Shift(whole + 1);
        return low.mul(1 - fraction).add_(high, alpha: fraction);
    }
}
