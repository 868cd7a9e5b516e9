using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// torchvision's ResNet BasicBlock: relu(bn(conv3x3(relu(bn(conv3x3(x))))) + shortcut(x)), where the
/// shortcut is the identity, or a strided 1x1 conv followed by BN when the shape changes.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? shortcut;

    public BasicBlock(int cin, int cout, int stride) : base("basic_block")
    {
        conv1 = Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(cout);
        conv2 = Conv2d(cout, cout, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(cout);
        if (stride != 1 || cin != cout)
            shortcut = Sequential(Conv2d(cin, cout, 1, stride: stride, bias: false), BatchNorm2d(cout));
        RegisterComponents();
    }

    /// <summary>The (kernel, stride) of the main path, for receptive-field arithmetic.</summary>
    public static IEnumerable<(int Kernel, int Stride)> MainPath(int stride) => [(3, stride), (3, 1)];

    public override Tensor forward(Tensor x)
    {
        using var c1 = conv1.call(x);
        using var b1 = bn1.call(c1);
        using var r1 = functional.relu(b1);
        using var c2 = conv2.call(r1);
        using var b2 = bn2.call(c2);
        using var sum = shortcut is null ? b2 + x : AddShortcut(b2, x);
        return functional.relu(sum);
    }

    private Tensor AddShortcut(Tensor main, Tensor x)
    {
        using var projected = shortcut!.call(x);
        return main + projected;
    }
}
