using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// LeNet-5 in its modern form: conv5x5 (6) - ReLU - maxpool 2 - conv5x5 (16) - ReLU - maxpool 2 -
/// 16x5x5 features - FC 120 - ReLU - FC 84 - ReLU - FC k. 61,706 parameters on MNIST (1 channel,
/// 10 classes), the count of the original; the number of input channels follows the data.
/// </summary>
/// <remarks>
/// Departures from the 1998 network, so that every input side from 8 up works: both convs are padded
/// ("same", pad 2), the pools use ceil mode, and an AdaptiveAvgPool2d(5) before the first fully
/// connected layer brings any map to the 5x5 grid the classifier expects (on a 28x28 MNIST digit the
/// map is 7x7; on an 8x8 tile it is 2x2 and is spread over the grid). ReLU and max-pooling replace
/// the original scaled tanh and trainable subsampling. Not an <see cref="ISpatialClassifier"/>: the
/// fully connected head weighs each of the 25 grid cells differently. Antialiased, both pools become
/// ceil-mode <see cref="MaxBlurPool"/>s in the same slots (same parameter names).
/// </remarks>
public sealed class LeNet : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Sequential classifier;

    public LeNet(int classes, int channels = 1, int antialias = 0) : base("lenet")
    {
        features = Sequential(
            Conv2d(channels, 6, 5, padding: 2),
            ReLU(inplace: true),
            Pool(6, antialias),
            Conv2d(6, 16, 5, padding: 2),
            ReLU(inplace: true),
            Pool(16, antialias),
            AdaptiveAvgPool2d((5, 5)),
            Flatten());
        classifier = Sequential(
            Linear(16 * 5 * 5, 120),
            ReLU(inplace: true),
            Linear(120, 84),
            ReLU(inplace: true),
            Linear(84, classes));
        RegisterComponents();
    }

    private static Module<Tensor, Tensor> Pool(long channels, int antialias) =>
        antialias > 0 ? new MaxBlurPool(channels, antialias, ceilMode: true) : MaxPool2d(2, stride: 2, ceil_mode: true);

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        return classifier.call(f);
    }
}
