using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Tests.Models;

/// <summary>Every network runs on any input side from 8 up, so tile-trained models run on full images.</summary>
public class InputSizeTests
{
    public static TheoryData<string> AllModels() => new(ModelRegistry.Names);

    [Theory]
    [MemberData(nameof(AllModels))]
    public void RgbInputsOfSide8To32GiveOneLogitPerClass(string name)
    {
        using var model = ModelRegistry.Create(name, classes: 7, channels: 3);
        model.eval();
        using var _ = no_grad();
        foreach (var side in new[] { 8, 16, 32 })
        {
            using var x = randn(2, 3, side, side);
            using var logits = model.call(x);
            Assert.Equal(new long[] { 2, 7 }, logits.shape);
            Assert.True(logits.isfinite().all().item<bool>(), $"{name} gave non-finite logits at side {side}");
        }
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void OneChannelInputsOfOddAndEvenSidesWork(string name)
    {
        using var model = ModelRegistry.Create(name, classes: 10, channels: 1);
        model.eval();
        using var _ = no_grad();
        foreach (var side in new[] { 8, 13, 28 })
        {
            using var x = randn(2, 1, side, side);
            using var logits = model.call(x);
            Assert.Equal(new long[] { 2, 10 }, logits.shape);
        }
    }

    [Theory]
    [InlineData("resnet9")]
    [InlineData("resnet18")]
    [InlineData("vgg11bn")]
    [InlineData("lenet")]
    public void ATrainingStepOnAnEightPixelTileProducesGradientsEverywhere(string name)
    {
        using var model = ModelRegistry.Create(name, classes: 5, channels: 3);
        model.train();
        using var x = randn(4, 3, 8, 8);
        using var y = tensor(new long[] { 0, 1, 2, 3 });
        using var logits = model.call(x);
        using var loss = nn.functional.cross_entropy(logits, y);
        loss.backward();
        foreach (var (pname, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name}.{pname} got a zero gradient");
        }
    }
}
