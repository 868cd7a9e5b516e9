using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// A small, fast, fully convolutional network for CPU work: four 3x3 conv-BN-ReLU layers with two
/// 2x2 max-pools, global average pooling and a linear head (242,474 parameters for 10 classes on RGB). Any input of
/// side at least 8 works, so a model trained on tiles runs unchanged on full images. Antialiased, each
/// max pool becomes a <see cref="MaxBlurPool"/> in the same slot (same parameter names).
/// </summary>
public sealed class SmallCnn : Module<Tensor, Tensor>, ISpatialClassifier
{
    private readonly Sequential features;
    private readonly Linear head;

    public SmallCnn(int classes, int channels = 3, int width = 32, int antialias = 0, bool aps = false) : base("smallcnn")
    {
        features = Sequential(
            ConvBnRelu(channels, width),
            ConvBnRelu(width, 2 * width),
            Pool(2 * width, antialias, aps),
            ConvBnRelu(2 * width, 4 * width),
            Pool(4 * width, antialias, aps),
            ConvBnRelu(4 * width, 4 * width));
        head = Linear(4 * width, classes);
        // Plain: conv 3, conv +2, pool +1, conv +2*2, pool +2, conv +2*4 = 20 pixels.
        (int, int)[] pool = aps ? [(2, 1), (1, 2)] : antialias > 0 ? [(2, 1), (antialias, 2)] : [(2, 2)];
        ReceptiveField = Models.ReceptiveField.Of([(3, 1), (3, 1), .. pool, (3, 1), .. pool, (3, 1)]);
        RegisterComponents();
    }

    public int ReceptiveField { get; }

    private static Module<Tensor, Tensor> Pool(long channels, int antialias, bool aps) =>
        aps ? new MaxPolyphasePool() : antialias > 0 ? new MaxBlurPool(channels, antialias) : MaxPool2d(2);

    private static Sequential ConvBnRelu(int cin, int cout) =>
        Sequential(Conv2d(cin, cout, 3, padding: 1, bias: false), BatchNorm2d(cout), ReLU(inplace: true));

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var pooled = f.mean([2, 3]);
        return head.call(pooled);
    }

    public Tensor SpatialLogits(Tensor x)
    {
        using var f = features.call(x);
        using var perPosition = f.permute(0, 2, 3, 1);
        using var logits = head.call(perPosition);
        return logits.permute(0, 3, 1, 2).contiguous();
    }
}
