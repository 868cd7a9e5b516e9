using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// The tile study's ResNet-9 (IncrementalResnet9 of the authors' code): 3x3 conv-BN-ReLU layers,
/// three 2x2 max-pools, two residual blocks whose ReLU comes before the addition, and a head that
/// pools to a 2x2 grid (not globally) before Linear(1024, k). BN momentum is 0.9 in PyTorch's
/// convention (running = 0.1 old + 0.9 batch), as the authors constructed it; TorchSharp shares it.
/// Because of the 2x2 pooled head its logits are not a spatial mean of per-position logits, so it
/// does not offer <see cref="ISpatialClassifier"/>.
/// </summary>
public sealed class ResNet9 : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Linear head;

    public ResNet9(int classes, int channels = 3) : base("resnet9")
    {
        body = Sequential(
            ConvBnRelu(channels, 64),
            ConvBnRelu(64, 128),
            MaxPool2d(2),
            new Residual(128),
            ConvBnRelu(128, 256),
            MaxPool2d(2),
            ConvBnRelu(256, 256),
            MaxPool2d(2),
            new Residual(256),
            AdaptiveAvgPool2d([2, 2]),
            Flatten());
        head = Linear(1024, classes);
        RegisterComponents();
    }

    internal static Sequential ConvBnRelu(int cin, int cout) =>
        Sequential(Conv2d(cin, cout, 3, padding: 1, bias: false), BatchNorm2d(cout, momentum: 0.9), ReLU(inplace: true));

    public override Tensor forward(Tensor x)
    {
        using var features = body.call(x);
        return head.call(features);
    }

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
            using var y = block.call(x);
            return y + x;
        }
    }
}
