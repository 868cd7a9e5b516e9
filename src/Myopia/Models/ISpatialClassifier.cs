using static TorchSharp.torch;

namespace Myopia.Models;

/// <summary>
/// A classifier whose logits are the spatial mean of per-position logits (global average pooling
/// followed by a linear head commute). Exposing the map before pooling gives a dense class-evidence
/// map from one forward pass of the whole image, as BagNets do.
/// </summary>
public interface ISpatialClassifier
{
    /// <summary>N x K x h x w logits before global pooling; their spatial mean equals forward(x).</summary>
    Tensor SpatialLogits(Tensor x);

    /// <summary>Side of the receptive field of one position of the spatial map, in input pixels.</summary>
    int ReceptiveField { get; }
}
