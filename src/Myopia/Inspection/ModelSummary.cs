namespace Myopia.Inspection;

/// <summary>What <c>myopia model inspect</c> reports: every leaf layer in forward order, and the totals.</summary>
/// <param name="Model">The model's name (its registry name for registry models).</param>
/// <param name="InputShape">N x C x H x W of the probe batch (N = 1).</param>
/// <param name="OutputShape">Shape of the model's output for that batch.</param>
/// <param name="Parameters">All parameter elements of the model, as <c>ModelRegistry.ParameterCount</c> counts them.</param>
/// <param name="TrainableParameters">Parameter elements that require a gradient.</param>
/// <param name="BufferElements">Elements of the buffers (batch-norm running statistics and counters).</param>
/// <param name="Layers">One row per leaf-layer call, in forward order.</param>
public sealed record ModelSummary(
    string Model, long[] InputShape, long[] OutputShape, long Parameters, long TrainableParameters, long BufferElements,
    IReadOnlyList<LayerSummary> Layers);
