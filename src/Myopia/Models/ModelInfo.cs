namespace Myopia.Models;

/// <summary>
/// What the registry knows about a network before building it.
/// </summary>
/// <param name="Name">Registry name, e.g. "resnet18".</param>
/// <param name="Description">One line for help texts.</param>
/// <param name="IsSpatial">True when the network implements <see cref="ISpatialClassifier"/>
/// (global average pooling followed by a linear head).</param>
/// <param name="DefaultInputSide">The image side the architecture was designed for (32 for the CIFAR
/// networks, 28 for LeNet on MNIST); used where a command needs an input size and no data says one.</param>
/// <param name="MinimumInputSide">The smallest input side every network here accepts; tile-trained
/// models run unchanged on any larger image.</param>
public sealed record ModelInfo(string Name, string Description, bool IsSpatial, int DefaultInputSide, int MinimumInputSide = 8);
