using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// The small VGG of the shift study (spec target 5): three stages of [3x3 conv (no bias), BN, ReLU] x 2
/// followed by a 2x2 stride-2 max pool, widths 32, 64, 128, then global average pooling and one linear
/// layer <c>classifier</c> (288,746 parameters for 10 classes on RGB). <c>features</c> is one flat
/// Sequential (<c>features.0</c> conv, <c>.1</c> BN, <c>.2</c> ReLU, ..., pools at 6, 13 and 20), the layout
/// of an <c>nn.Sequential</c> written in PyTorch. Antialiased, each pool is a <see cref="MaxBlurPool"/> in
/// the same slot (Zhang's VGG placement), or with adaptive polyphase sampling a <see cref="MaxPolyphasePool"/>; the state dict is the same.
/// </summary>
public sealed class VggSmall : Module<Tensor, Tensor>, ISpatialClassifier
{
    public static readonly int[] Widths = [32, 64, 128];

    private readonly Sequential features;
    private readonly Linear classifier;

    public VggSmall(int classes, int channels = 3, int antialias = 0, bool aps = false) : base("vggsmall")
    {
        var layers = new List<Module<Tensor, Tensor>>();
        var geometry = new List<(int, int)>();
        int cin = channels;
        foreach (var width in Widths)
        {
            for (int k = 0; k < 2; k++)
            {
                layers.Add(Conv2d(cin, width, 3, padding: 1, bias: false));
                layers.Add(BatchNorm2d(width));
                layers.Add(ReLU(inplace: true));
                geometry.Add((3, 1));
                cin = width;
            }
            if (aps)
            {
                layers.Add(new MaxPolyphasePool());
                geometry.AddRange([(2, 1), (1, 2)]);
            }
            else if (antialias > 0)
            {
                layers.Add(new MaxBlurPool(cin, antialias));
                geometry.AddRange([(2, 1), (antialias, 2)]);
            }
            else
            {
                layers.Add(MaxPool2d(2));
                geometry.Add((2, 2));
            }
        }
        features = Sequential(layers);
        classifier = Linear(cin, classes);
        ReceptiveField = Models.ReceptiveField.Of(geometry);
        RegisterComponents();
    }

    public int ReceptiveField { get; }

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var pooled = f.mean([2, 3]);
        return classifier.call(pooled);
    }

    public Tensor SpatialLogits(Tensor x)
    {
        using var f = features.call(x);
        using var perPosition = f.permute(0, 2, 3, 1);
        using var logits = classifier.call(perPosition);
        return logits.permute(0, 3, 1, 2).contiguous();
    }
}
