using Myopia.Models;

namespace Myopia.Classifiers;

/// <summary>
/// What is known about a classifier besides its weights: enough to say in a report what was
/// analysed, and for an analysis to know what it may ask of the network.
/// </summary>
/// <param name="Architecture">Registry name (e.g. "resnet18"), or "torchscript" for a scripted model.</param>
/// <param name="Options">The registry options it was built with; null for TorchScript.</param>
/// <param name="Source">The file or run folder it was loaded from, or "registry".</param>
/// <param name="Tile">Tile side it was trained on; null for full images or unknown.</param>
/// <param name="Hookable">True when its layers can be recorded or changed (every module a TorchSharp module).</param>
/// <param name="HasSpatialLogits">True when its logits are the mean of per-position logits (dense heatmaps).</param>
/// <param name="Dataset">The dataset it was trained on, when known.</param>
public sealed record ModelCard(
    string Architecture,
    ModelOptions? Options,
    string Source,
    ModelFormat Format,
    int? Tile,
    bool Hookable,
    bool HasSpatialLogits,
    string? Dataset,
    long Parameters)
{
    /// <summary>Where each piece of metadata came from when the file did not carry it (e.g. "normalization: from cifar10").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
