namespace Myopia.Models;

/// <summary>
/// A layer that slides a window over the feature map without being a Conv2d or a pooling module
/// TorchSharp knows (a BlurPool is a fixed depthwise blur with a stride), so that <c>model inspect</c>
/// can widen the receptive field by its window and multiply the stride by its step.
/// </summary>
public interface IHasSpatialFootprint
{
    /// <summary>Side of the window, in positions of the layer's input.</summary>
    int Kernel { get; }

    /// <summary>Step between windows.</summary>
    int Stride { get; }

    /// <summary>Positions of padding before the first window (top/left); only where the field sits depends on it, not its size.</summary>
    int Padding => (Kernel - 1) / 2;
}
