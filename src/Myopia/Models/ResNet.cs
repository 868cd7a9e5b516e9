using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// ResNet-18/34 as in the tile study: torchvision's BasicBlock ResNet with a 7x7 stride-1 stem and
/// no max-pool (so 32x32 inputs keep their resolution), global average pooling and Linear(512, k).
/// Convs use Kaiming-normal (fan_out, relu) init; BN weight 1, bias 0; BN momentum 0.1.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>, ISpatialClassifier
{
    private readonly Sequential features;
    private readonly Linear head;

    public static ResNet ResNet18(int classes, int channels = 3) => new("resnet18", [2, 2, 2, 2], classes, channels);
    public static ResNet ResNet34(int classes, int channels = 3) => new("resnet34", [3, 4, 6, 3], classes, channels);

    private ResNet(string name, int[] blocks, int classes, int channels) : base(name)
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            Conv2d(channels, 64, 7, stride: 1, padding: 3, bias: false), BatchNorm2d(64), ReLU(inplace: true),
        };
        int cin = 64;
        int[] widths = [64, 128, 256, 512];
        for (int stage = 0; stage < 4; stage++)
        for (int b = 0; b < blocks[stage]; b++)
        {
            int stride = b == 0 && stage > 0 ? 2 : 1;
            layers.Add(new BasicBlock(cin, widths[stage], stride));
            cin = widths[stage];
        }
        features = Sequential(layers);
        head = Linear(512, classes);
        RegisterComponents();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv) init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
            else if (module is BatchNorm2d bn) { init.ones_(bn.weight); init.zeros_(bn.bias); }
        }
        // Receptive field of one output position: stem 7, then each 3x3 conv adds 2 x (stride so far).
        int field = 7, jump = 1;
        for (int stage = 0; stage < 4; stage++)
        for (int b = 0; b < blocks[stage]; b++)
        {
            if (b == 0 && stage > 0) { field += 2 * jump; jump *= 2; field += 2 * jump; }
            else field += 4 * jump;
        }
        ReceptiveField = field;
    }

    public int ReceptiveField { get; }

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

    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d c1, c2;
        private readonly BatchNorm2d b1, b2;
        private readonly Sequential? shortcut;

        public BasicBlock(int cin, int cout, int stride) : base("block")
        {
            c1 = Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
            b1 = BatchNorm2d(cout);
            c2 = Conv2d(cout, cout, 3, padding: 1, bias: false);
            b2 = BatchNorm2d(cout);
            if (stride != 1 || cin != cout)
                shortcut = Sequential(Conv2d(cin, cout, 1, stride: stride, bias: false), BatchNorm2d(cout));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = functional.relu(b1.call(c1.call(x)));
            h = b2.call(c2.call(h));
            var sum = h + (shortcut is null ? x : shortcut.call(x));
            return sum.relu_().MoveToOuterDisposeScope();
        }
    }
}
