using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Interop;

/// <summary>
/// A tiny network named like torchvision's ResNet (conv1, bn1, layer1.0.downsample.0, fc) and
/// defined identically in Python (<see cref="PythonDefinition"/>), so the interop path can be
/// checked end to end on any model, whatever the registry's names are.
/// </summary>
public sealed class TorchvisionLikeToy : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Linear fc;

    public TorchvisionLikeToy(int classes = 10) : base("toy")
    {
        conv1 = Conv2d(3, 8, 3, stride: 1, padding: 1, bias: false);
        bn1 = BatchNorm2d(8);
        layer1 = Sequential(new Block(8, 16, 2));
        fc = Linear(16, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var stem = functional.relu(bn1.call(conv1.call(x)));
        using var features = layer1.call(stem);
        using var pooled = features.mean([2, 3]);
        return fc.call(pooled);
    }

    private sealed class Block : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential downsample;

        public Block(int cin, int cout, int stride) : base("block")
        {
            conv1 = Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
            bn1 = BatchNorm2d(cout);
            conv2 = Conv2d(cout, cout, 3, stride: 1, padding: 1, bias: false);
            bn2 = BatchNorm2d(cout);
            downsample = Sequential(Conv2d(cin, cout, 1, stride: stride, bias: false), BatchNorm2d(cout));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var y = functional.relu(bn1.call(conv1.call(x)));
            using var main = bn2.call(conv2.call(y));
            using var shortcut = downsample.call(x);
            using var sum = main + shortcut;
            return functional.relu(sum);
        }
    }

    public const string PythonDefinition = """
        class ToyBlock(torch.nn.Module):
            def __init__(self, cin, cout, stride):
                super().__init__()
                self.conv1 = torch.nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
                self.bn1 = torch.nn.BatchNorm2d(cout)
                self.conv2 = torch.nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
                self.bn2 = torch.nn.BatchNorm2d(cout)
                self.downsample = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, 1, stride, bias=False), torch.nn.BatchNorm2d(cout))

            def forward(self, x):
                y = torch.relu(self.bn1(self.conv1(x)))
                return torch.relu(self.bn2(self.conv2(y)) + self.downsample(x))

        class Toy(torch.nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.conv1 = torch.nn.Conv2d(3, 8, 3, 1, 1, bias=False)
                self.bn1 = torch.nn.BatchNorm2d(8)
                self.layer1 = torch.nn.Sequential(ToyBlock(8, 16, 2))
                self.fc = torch.nn.Linear(16, num_classes)

            def forward(self, x):
                x = torch.relu(self.bn1(self.conv1(x)))
                return self.fc(self.layer1(x).mean((2, 3)))
        """;
}
