using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// Channel shuffling of Petrini, Tomasini et al. (spec diffeo item 5b): in every 4-D conv weight
/// W[out, in, h, w], the input-channel axis is permuted by one random permutation per layer, the same
/// for every output filter. Each filter keeps its set of spatial profiles (spatial pooling survives)
/// while the pairing of profiles with input channels, i.e. channel pooling, is destroyed. Biases,
/// linear layers and batch-norm parameters and statistics are left alone.
/// </summary>
/// <remarks>
/// As the spec says "every conv weight", the first conv, whose inputs are the image channels, is
/// shuffled too (on a one-channel input that permutation is the identity). Convs with groups > 1 are
/// refused: a shuffle across groups has no meaning there, and no registered network has one (the
/// BlurPool filters are buffers, not conv parameters, and are never touched). Permutations come from
/// <see cref="Random"/> seeded with the given seed and are drawn in module order, so a seed gives the
/// same shuffle on every machine.
/// </remarks>
public static class ChannelShuffle
{
    /// <summary>Permutes, in place, the input channels of every conv weight of <paramref name="copyTarget"/>;
    /// returns the permutation applied to each conv, by module path.</summary>
    public static IReadOnlyDictionary<string, long[]> Apply(Module copyTarget, long seed)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var applied = new Dictionary<string, long[]>();
        using var _ = no_grad();
        foreach (var (path, module) in copyTarget.named_modules())
        {
            if (module is not Conv2d conv) continue;
            if (conv.groups != 1)
                throw new MyopiaException($"channel shuffle does not handle grouped convolutions ({path} has groups = {conv.groups})");
            var weight = conv.weight!;
            var permutation = Permutation(weight.shape[1], random);
            using var index = tensor(permutation);
            using var shuffled = weight.index_select(1, index);
            weight.copy_(shuffled);
            applied[path] = permutation;
        }
        return applied;
    }

    /// <summary>A shuffled copy of a registry model: the same architecture and options, the source's
    /// state, then <see cref="Apply"/>. The source is untouched.</summary>
    public static Module<Tensor, Tensor> ShuffledCopy(string architecture, ModelOptions options, Module source, long seed)
    {
        var copy = ModelSurgery.Rebuild(architecture, options, source);
        Apply(copy, seed);
        return copy;
    }

    private static long[] Permutation(long n, Random random)
    {
        var p = new long[n];
        for (long i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = random.NextInt64(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
