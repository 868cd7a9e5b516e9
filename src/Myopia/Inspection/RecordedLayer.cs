namespace Myopia.Inspection;

/// <summary>
/// One recorded layer call of a forward pass, in forward order.
/// </summary>
/// <param name="Path">Module path, with <c>#2</c>, <c>#3</c>... for a module's later calls in the same pass
/// (a ReLU module that a block calls twice gives <c>layer1.0.relu</c> and <c>layer1.0.relu#2</c>).</param>
/// <param name="ModulePath">The module path without the call suffix, for <c>named_modules</c> lookups.</param>
/// <param name="Call">1 for a module's first call in the pass, 2 for the second...</param>
/// <param name="Type">The module's class name (Conv2d, BatchNorm2d, ReLU, Linear...).</param>
/// <param name="Shape">Shape of the layer's output (also when a reduction is what is kept).</param>
/// <param name="RelativeDepth">Index / (count - 1) over the recorded calls in forward order: 0 for the
/// first, 1 for the last, 0 when there is only one. Lets curves of networks of different depths share an axis.</param>
public sealed record RecordedLayer(string Path, string ModulePath, int Call, string Type, long[] Shape, double RelativeDepth);
