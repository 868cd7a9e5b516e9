namespace Myopia.Inspection;

/// <summary>One layer call of <c>model inspect</c>, in forward order.</summary>
/// <param name="Name">Module path (<c>#2</c> for a module's second call in the pass), as <see cref="ActivationRecorder"/> names it.</param>
/// <param name="Type">The module's class name.</param>
/// <param name="OutputShape">Output shape for a batch of one.</param>
/// <param name="Parameters">The layer's own parameters, counted on its first call only so the column sums to the layers' total.</param>
/// <param name="ReceptiveField">Side, in input pixels, of the region one output position depends on (padding
/// included, so it may exceed the image); for an output without spatial axes, the region all of the pooled map depends on.</param>
/// <param name="Stride">Cumulative stride: input pixels between neighbouring output positions; null once the map is pooled to one position.</param>
/// <param name="FieldStart">Input row of the top edge of output position 0's field; negative where it lies in the padding.</param>
/// <param name="Shortcut">True for a layer on a residual shortcut, which does not widen the main path's field.</param>
public sealed record LayerSummary(
    string Name, string Type, long[] OutputShape, long Parameters, int ReceptiveField, int? Stride, int FieldStart, bool Shortcut);
