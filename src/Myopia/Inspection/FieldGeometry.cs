namespace Myopia.Inspection;

/// <summary>
/// Where the positions of a feature map look in the input image, along one axis: position p of the
/// map sees input rows [Start + p * Jump, Start + p * Jump + Field - 1] (rows outside the image are
/// padding). <paramref name="Side"/> is the number of positions, null once the map has been pooled or
/// flattened to one value per channel.
/// </summary>
/// <param name="Field">Receptive field side in input pixels.</param>
/// <param name="Jump">Cumulative stride: input pixels between neighbouring positions.</param>
/// <param name="Start">Input row of the top edge of position 0's field (negative where it starts in the padding).</param>
/// <param name="Side">Positions along the axis, or null for a map reduced to one position.</param>
public sealed record FieldGeometry(int Field, int Jump, int Start, long? Side)
{
    /// <summary>The input image itself: each pixel sees itself.</summary>
    public static FieldGeometry Image(long side) => new(1, 1, 0, side);

    /// <summary>
    /// After a window of <paramref name="footprint"/> giving a map of <paramref name="outputSide"/> positions:
    /// the window spans (Span - 1) positions of this map, each Jump pixels apart, beyond one position's field.
    /// </summary>
    public FieldGeometry Through(SpatialFootprint footprint, long? outputSide) =>
        new(Field + (footprint.Span - 1) * Jump, Jump * footprint.Stride, Start - footprint.Padding * Jump, outputSide);

    /// <summary>After global pooling or flattening: one value that depends on every position of the map.</summary>
    public FieldGeometry Collapsed() => Side is { } side ? new(Field + (int)(side - 1) * Jump, Jump, Start, null) : this;

    /// <summary>First and last input row seen by position <paramref name="position"/>, clipped to an image of <paramref name="imageSide"/> rows.</summary>
    public (long First, long Last) RowsSeenBy(long position, long imageSide) =>
        (Math.Max(0, Start + position * Jump), Math.Min(imageSide - 1, Start + position * Jump + Field - 1));
}
