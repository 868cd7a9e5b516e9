using Myopia.Compute;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Tests.Compute;

[Collection(GlobalTorchState.Name)]
public class MemoryFormatTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-formats-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void ChannelsLastKeepsTheShapeAndValuesWithNhwcStrides()
    {
        using var x = randn(2, 3, 5, 7);
        using var last = MemoryFormats.Apply(x, MemoryFormat.ChannelsLast);
        Assert.Equal(x.shape, last.shape);
        Assert.Equal([5L * 7 * 3, 1, 7 * 3, 3], last.stride());
        Assert.True(last.eq(x).all().item<bool>());
        using var same = MemoryFormats.Apply(x, MemoryFormat.Contiguous);
        Assert.Equal(x.stride(), same.stride());
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("vgg11bn")]
    public void ANetworkGivesTheSameLogitsInEitherLayout(string architecture)
    {
        torch.manual_seed(1);
        using var model = ModelRegistry.Create(architecture, new ModelOptions(10));
        model.eval();
        using var noGrad = no_grad();
        using var x = randn(4, 3, 32, 32);
        using var standard = ComputeSettings.Fp32Contiguous.Forward(model.call, x, CPU);
        using var last = new ComputeSettings(NumericPrecision.Fp32, MemoryFormat.ChannelsLast).Forward(model.call, x, CPU);
        Assert.True(last.is_contiguous(), "logits come back in the standard layout");
        using var diff = (standard - last).abs().max();
        Assert.True(diff.item<float>() < 1e-4f, $"largest difference {diff.item<float>()}");
    }

    [Theory]
    [InlineData(40, 2, MemoryFormat.ChannelsLast)]
    [InlineData(2, 40, MemoryFormat.Contiguous)]
    public void TheProbeChoosesTheFasterLayoutAndRemembersIt(int contiguousMs, int channelsLastMs, MemoryFormat expected)
    {
        var cache = Path.Combine(root, "formats.json");
        string key = $"test workload {Guid.NewGuid()}";
        int steps = 0;
        var first = MemoryFormatProbe.Choose(key, f =>
        {
            steps++;
            Thread.Sleep(f == MemoryFormat.Contiguous ? contiguousMs : channelsLastMs);
        }, cacheFile: cache);
        Assert.Equal(expected, first.Chosen);
        Assert.False(first.FromCache);
        Assert.Equal(6, steps); // one warm-up and two timed steps in each layout
        Assert.True(first.ContiguousSeconds >= contiguousMs / 1000.0 && first.ChannelsLastSeconds >= channelsLastMs / 1000.0);
        Assert.Contains(key, File.ReadAllText(cache));

        var again = MemoryFormatProbe.Choose(key, _ => steps++, cacheFile: cache);
        Assert.Equal(expected, again.Chosen);
        Assert.Equal(6, steps); // not measured again
    }

    [Theory]
    [InlineData(1.00, 1.00, MemoryFormat.Contiguous)] // a tie keeps the standard layout
    [InlineData(1.00, 0.96, MemoryFormat.Contiguous)] // 4% is within a shared machine's noise
    [InlineData(1.00, 0.94, MemoryFormat.ChannelsLast)]
    [InlineData(0.50, 1.00, MemoryFormat.Contiguous)]
    public void ChannelsLastMustSaveAtLeastFivePercent(double contiguous, double channelsLast, MemoryFormat expected) =>
        Assert.Equal(expected, MemoryFormatProbe.Decide(contiguous, channelsLast));

    [Fact]
    public void AChoiceInTheCacheFileIsUsedWithoutMeasuring()
    {
        var cache = Path.Combine(root, "earlier.json");
        string key = $"measured by an earlier process {Guid.NewGuid()}";
        File.WriteAllText(cache, $$"""{ "{{key}}": { "chosen": "channels_last", "contiguous_seconds": 2.0, "channels_last_seconds": 1.0 } }""");
        var timing = MemoryFormatProbe.Choose(key, _ => throw new InvalidOperationException("measured again"), cacheFile: cache);
        Assert.Equal(MemoryFormat.ChannelsLast, timing.Chosen);
        Assert.True(timing.FromCache);
    }

    [Fact]
    public void AnUnreadableCacheOnlyCostsAMeasurement()
    {
        var cache = Path.Combine(root, "broken.json");
        File.WriteAllText(cache, "{ not json");
        var timing = MemoryFormatProbe.Choose($"broken cache {Guid.NewGuid()}", _ => { }, cacheFile: cache);
        Assert.False(timing.FromCache);
    }
}
