using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// Exactly torchvision's VGG11/13/16 [_bn] (the <see cref="Stem.ImageNet"/> choice): <c>features</c> with
/// floor-mode MaxPool2d(2, 2), <c>avgpool</c> = AdaptiveAvgPool2d((7, 7)), flatten, and
/// <c>classifier</c> = Linear(512·7·7, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Dropout,
/// Linear(4096, k). VGG16 has 138,357,544 parameters for 1000 classes, 138,365,992 with BN.
/// </summary>
/// <remarks>
/// Five floor-mode pools need an input side of at least 32. Not an <see cref="ISpatialClassifier"/>:
/// the fully connected head weighs each of the 49 grid cells differently. Init as torchvision.
/// </remarks>
public sealed class VggImageNet : Module<Tensor, Tensor>
{
    public const int MinimumInputSide = 32;
    private const int Hidden = 4096;
    private const int Grid = 7;

    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <param name="depth">11, 13 or 16.</param>
    public VggImageNet(int depth, ModelOptions options, bool batchNorm) : base($"vgg{depth}{(batchNorm ? "bn" : "")}")
    {
        var geometry = new List<(int, int)>();
        features = VggFeatures.Create(depth, options.Channels, batchNorm, ceilMode: false, options.Antialias, geometry);
        avgpool = AdaptiveAvgPool2d((Grid, Grid));
        classifier = Sequential(
            Linear(VggFeatures.OutputChannels * Grid * Grid, Hidden),
            ReLU(inplace: true),
            Dropout(),
            Linear(Hidden, Hidden),
            ReLU(inplace: true),
            Dropout(),
            Linear(Hidden, options.Classes));
        RegisterComponents();
        TorchvisionInit.Apply(this, linearLayers: true);
    }

    public override Tensor forward(Tensor x)
    {
        using var f = features.call(x);
        using var pooled = avgpool.call(f);
        using var flat = pooled.flatten(1);
        return classifier.call(flat);
    }
}
