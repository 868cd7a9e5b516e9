using Myopia.Models;
using Myopia.Tests.Infrastructure;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ChannelShuffle = Myopia.Models.ChannelShuffle;

namespace Myopia.Tests.Models;

/// <summary>Channel shuffling (diffeo spec 5b): input channels of every conv permuted, one permutation per layer.</summary>
public class ChannelShuffleTests
{
    [Fact]
    public void EveryConvWeightIsPermutedAlongItsInputChannels()
    {
        using var original = ModelRegistry.Create("vgg11bn", new ModelOptions(10));
        using var shuffled = ChannelShuffle.ShuffledCopy("vgg11bn", new ModelOptions(10), original, seed: 42);
        var before = original.named_modules().Where(m => m.module is Conv2d).ToDictionary(m => m.name, m => ((Conv2d)m.module).weight!);
        var after = shuffled.named_modules().Where(m => m.module is Conv2d).ToDictionary(m => m.name, m => ((Conv2d)m.module).weight!);
        Assert.Equal(8, after.Count);
        foreach (var (name, w) in after)
        {
            var w0 = before[name];
            // The first conv too: the spec shuffles every conv weight.
            Assert.False(w.Same(w0), $"{name} was not shuffled");
            // Each output filter keeps its multiset of spatial profiles: compare them sorted.
            using var sorted = SortedProfiles(w);
            using var sorted0 = SortedProfiles(w0);
            Assert.True(sorted.Same(sorted0), $"{name} changed a filter's profiles");
        }
    }

    [Fact]
    public void ReturnedPermutationsDescribeTheShuffleAndOneIsUsedPerLayer()
    {
        using var original = ModelRegistry.Create("smallcnn", new ModelOptions(10));
        using var copy = ModelSurgery.Rebuild("smallcnn", new ModelOptions(10), original);
        var permutations = ChannelShuffle.Apply(copy, seed: 7);
        var convs = original.named_modules().Where(m => m.module is Conv2d).ToList();
        Assert.Equal(convs.Select(c => c.name), permutations.Keys);
        foreach (var (name, module) in convs)
        {
            var w0 = ((Conv2d)module).weight!;
            var w = ((Conv2d)copy.named_modules().Single(m => m.name == name).module).weight!;
            var p = permutations[name];
            Assert.Equal(Enumerable.Range(0, (int)w0.shape[1]).Select(i => (long)i), p.Order());
            using var index = tensor(p);
            using var expected = w0.index_select(1, index);
            Assert.True(w.Same(expected));
        }
    }

    [Fact]
    public void TheOriginalBatchNormAndHeadAreUntouchedAndTheSeedDecides()
    {
        using var original = ModelRegistry.Create("resnet18", new ModelOptions(10));
        var before = original.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var a = ChannelShuffle.ShuffledCopy("resnet18", new ModelOptions(10), original, seed: 1);
        using var b = ChannelShuffle.ShuffledCopy("resnet18", new ModelOptions(10), original, seed: 1);
        using var c = ChannelShuffle.ShuffledCopy("resnet18", new ModelOptions(10), original, seed: 2);
        Assert.All(original.state_dict(), p => Assert.True(p.Value.Same(before[p.Key]), $"original {p.Key} changed"));
        var sa = a.state_dict();
        foreach (var (key, value) in sa.Where(p => !p.Key.EndsWith("conv1.weight") && !p.Key.EndsWith("conv2.weight") && !p.Key.EndsWith("downsample.0.weight")))
            Assert.True(value.Same(before[key]), $"{key} is not a conv weight and must not change");
        Assert.True(sa["layer3.1.conv2.weight"].Same(b.state_dict()["layer3.1.conv2.weight"]));
        Assert.False(sa["layer3.1.conv2.weight"].Same(c.state_dict()["layer3.1.conv2.weight"]));
        foreach (var t in before.Values) t.Dispose();
    }

    /// <summary>Per output filter, its spatial profiles W[o, i, :, :] sorted by a fixed random projection
    /// computed in double precision (float32 keys tie among 512 profiles; double ones do not).</summary>
    private static Tensor SortedProfiles(Tensor weight)
    {
        var (outChannels, inChannels) = (weight.shape[0], weight.shape[1]);
        using var flat = weight.reshape(outChannels, inChannels, -1).to_type(ScalarType.Float64);
        using var direction = linspace(1.0, 2.0, flat.shape[2], dtype: ScalarType.Float64).sqrt();
        using var key = flat.matmul(direction);
        var (_, order) = key.sort(1);
        using var _ = order;
        using var index = order.unsqueeze(2).expand(flat.shape);
        return flat.gather(1, index);
    }
}
