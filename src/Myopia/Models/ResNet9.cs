using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// The ResNet-9 of the tile-training study (IncrementalResnet9 with two residual blocks in the
/// authors' code, identical to shared/peers/torch_reference.py): 3x3 conv-BN-ReLU layers without
/// bias, three 2x2 max-pools, two residual blocks whose ReLU comes before the addition, then
/// AdaptiveAvgPool2d((2,2)) and Linear(1024, k). 2,447,946 parameters for 10 classes on RGB.
/// </summary>
/// <remarks>
/// Every BatchNorm uses momentum 0.9 as the authors wrote it. PyTorch and TorchSharp share the
/// convention running = (1 - momentum) * running + momentum * batch, so the running statistics
/// follow mostly the last batch; this is kept on purpose to match the paper.
///
/// Not an <see cref="ISpatialClassifier"/>: the head pools to a 2x2 grid and the linear layer gives
/// each quadrant its own weights, so the logits are not the mean of one per-position classifier
/// (a 16x16 tile gives a 2x2 map that is passed through unchanged; a 32x32 image gives 4x4, pooled
/// into quadrants).
///
/// Antialiased, each max pool becomes a <see cref="MaxBlurPool"/> in the same slot, so the parameter
/// names (<c>body.N</c>) are those of the plain network.
/// </remarks>
public sealed class ResNet9 : Module<Tensor, Tensor>
{
    private const double BatchNormMomentum = 0.9;

    private readonly Sequential body;
    private readonly Linear head;

    public ResNet9(int classes, int channels = 3, int antialias = 0) : base("resnet9")
    {
        body = Sequential(
            ConvBnRelu(channels, 64),
            ConvBnRelu(64, 128),
            Pool(128, antialias),
            new Residual(128),
            ConvBnRelu(128, 256),
            Pool(256, antialias),
            ConvBnRelu(256, 256),
            Pool(256, antialias),
            new Residual(256),
            AdaptiveAvgPool2d((2, 2)),
            Flatten());
        head = Linear(4 * 256, classes);
        RegisterComponents();
    }

    private static Module<Tensor, Tensor> Pool(long channels, int antialias) =>
        antialias > 0 ? new MaxBlurPool(channels, antialias) : MaxPool2d(2);

    internal static Sequential ConvBnRelu(int cin, int cout) =>
        Sequential(
            Conv2d(cin, cout, 3, padding: 1, bias: false),
            BatchNorm2d(cout, momentum: BatchNormMomentum),
            ReLU(inplace: true));

    public override Tensor forward(Tensor x)
    {
        using var f = body.call(x);
        return head.call(f);
    }

    /// <summary>relu(bn(conv(relu(bn(conv(x)))))) + x: the ReLU precedes the addition, none follows it.</summary>
    private sealed class Residual : Module<Tensor, Tensor>
    {
        private readonly Sequential block;

        public Residual(int channels) : base("residual")
        {
            block = Sequential(ConvBnRelu(channels, channels), ConvBnRelu(channels, channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            // Out of place: the in-place ReLU's output is saved for its backward pass.
            using var h = block.call(x);
            return h + x;
        }
    }
}
