using Myopia.Interop;
using static TorchSharp.torch;

namespace Myopia.Tests.Interop;

public sealed class StateDictLoaderTests
{
    internal static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Dictionary<string, Tensor> CopyOf(nn.Module model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    [Fact]
    public void RenamedMissingAndMisshapedKeys_AreAllListedInOneError()
    {
        using var model = new TorchvisionLikeToy();
        var file = CopyOf(model);
        file["classifier.weight"] = file["fc.weight"];
        file.Remove("fc.weight");
        file.Remove("layer1.0.bn2.running_var");
        file["conv1.weight"] = zeros(8, 3, 5, 5);

        var error = Assert.Throws<MyopiaException>(() => StateDictLoader.Load(model, file, "weights.pth"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("weights.pth does not fit the model", error.Message);
        Assert.Contains("2 missing keys (fc.weight, layer1.0.bn2.running_var)", error.Message);
        Assert.Contains("1 unexpected key (classifier.weight)", error.Message);
        Assert.Contains("1 mis-shaped key (conv1.weight: file 8x3x5x5 vs model 8x3x3x3)", error.Message);
    }

    [Fact]
    public void ARefusedStateDict_LeavesTheModelUntouched()
    {
        using var model = new TorchvisionLikeToy();
        var before = CopyOf(model);
        var file = CopyOf(model).ToDictionary(p => p.Key, p => zeros_like(p.Value));
        file.Remove("fc.bias");

        Assert.Throws<MyopiaException>(() => StateDictLoader.Load(model, file, "weights.pth"));

        foreach (var (name, tensor) in model.state_dict())
            Assert.True(StateDictLoaderTests.Same(tensor, before[name]), $"{name} changed although the load was refused");
    }

    [Fact]
    public void LongListings_ShowEightNamesAndCountTheRest()
    {
        using var model = new TorchvisionLikeToy();
        var file = CopyOf(model).ToDictionary(p => "backbone." + p.Key, p => p.Value);

        var error = Assert.Throws<MyopiaException>(() => StateDictLoader.Load(model, file, "weights.pth"));

        var expectedMissing = model.state_dict().Keys.Count(k => !k.EndsWith("num_batches_tracked"));
        Assert.Contains($"{expectedMissing} missing keys (conv1.weight, bn1.weight", error.Message);
        Assert.Contains($"and {expectedMissing - 8} more)", error.Message);
        Assert.True(error.Message.Length < 1200, $"the error is {error.Message.Length} characters long");
    }

    [Fact]
    public void Values_AreCopiedAndConvertedToTheModelsDtype()
    {
        using var source = new TorchvisionLikeToy();
        using var target = new TorchvisionLikeToy();
        var file = source.state_dict().ToDictionary(p => p.Key, p => p.Value.to(float64));

        StateDictLoader.Load(target, file, "weights.pth");

        foreach (var (name, tensor) in target.state_dict())
        {
            Assert.Equal(source.state_dict()[name].dtype, tensor.dtype);
            Assert.True(StateDictLoaderTests.Same(tensor, source.state_dict()[name]), $"{name} was not copied");
        }
    }

    [Fact]
    public void AStateDictWithoutBatchCounters_IsAccepted()
    {
        using var source = new TorchvisionLikeToy();
        using var target = new TorchvisionLikeToy();
        var file = CopyOf(source).Where(p => !p.Key.EndsWith("num_batches_tracked")).ToDictionary();

        StateDictLoader.Load(target, file, "old.pth");

        Assert.True(Same(target.state_dict()["bn1.running_var"], source.state_dict()["bn1.running_var"]));
    }
}
