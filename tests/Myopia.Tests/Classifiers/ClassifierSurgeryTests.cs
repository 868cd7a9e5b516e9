using Myopia.Tests.Infrastructure;
using Myopia.Classifiers;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Classifiers;

[Collection(GlobalTorchState.Name)]
public class ClassifierSurgeryTests
{
    private static float[] Logits(Classifier c, Tensor x)
    {
        using var eval = c.EvalMode();
        using var logits = c.Logits(x);
        return logits.data<float>().ToArray();
    }

    [Fact]
    public void AnAntialiasedCopyKeepsTheWeightsAndLeavesTheSourceAlone()
    {
        using var source = ClassifierLoader.Load("resnet18", new ClassifierOptions(Classes: 10, Seed: 1));
        using var x = randn(2, 3, 32, 32);
        var before = Logits(source, x);
        using var blurred = ClassifierSurgery.Antialias(source, 3);
        using var identityFilter = ClassifierSurgery.Antialias(source, 1);
        Assert.Equal(3, blurred.Card.Options!.Antialias);
        Assert.Equal(0, source.Card.Options!.Antialias);
        Assert.Same(source.Preprocessing, blurred.Preprocessing);
        Assert.Equal(ModelRegistry.ParameterCount((nn.Module)source.Network), ModelRegistry.ParameterCount((nn.Module)blurred.Network));
        Assert.NotEqual(before, Logits(blurred, x)); // the blur changes what the strided layers see
        Assert.Equal(before, Logits(source, x));     // and the source is untouched
        Assert.Contains(blurred.Card.Notes, n => n.Contains("antialiased copy"));
        Assert.Equal(20, Logits(identityFilter, x).Length);
    }

    [Fact]
    public void AChannelShuffledCopyChangesTheOutputAndIsDeterministic()
    {
        using var source = ClassifierLoader.Load("vgg11bn", new ClassifierOptions(Classes: 10, Seed: 2));
        using var x = randn(1, 3, 32, 32);
        var before = Logits(source, x);
        using var a = ClassifierSurgery.ShuffleChannels(source, seed: 7);
        using var b = ClassifierSurgery.ShuffleChannels(source, seed: 7);
        Assert.NotEqual(before, Logits(a, x));
        Assert.Equal(Logits(a, x), Logits(b, x));
        Assert.Equal(before, Logits(source, x));
    }
}
