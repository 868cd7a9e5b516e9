using TorchSharp;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Classifiers;

/// <summary>
/// Changed copies of a classifier, for the labs that compare a network with a modified self: the
/// same weights with antialiased downsampling (Zhang 2019), with the input-channel axis of every
/// convolution permuted (channel shuffle, Petrini et al.), or fresh weights (the network at initialisation). The source classifier is never changed.
/// Works on any classifier whose architecture is a registry one (Myopia runs, PyTorch state_dicts);
/// a TorchScript model has no architecture to rebuild and is refused with the reason.
/// </summary>
public static class ClassifierSurgery
{
    /// <summary>The same weights in the same architecture with BlurPool filter size <paramref name="filterSize"/> before every subsampling.</summary>
    public static Classifier Antialias(Classifier source, int filterSize)
    {
        var (architecture, options) = Architecture(source, "antialiasing");
        var newOptions = options with { Antialias = filterSize };
        var network = ModelSurgery.Antialias(architecture, newOptions, source.Module);
        return Copy(source, network, newOptions, $"antialiased copy (BlurPool {filterSize}) of {source.Card.Source}");
    }

    /// <summary>A copy whose convolutions see their input channels in a seeded random order (one permutation per layer).</summary>
    public static Classifier ShuffleChannels(Classifier source, long seed)
    {
        var (architecture, options) = Architecture(source, "channel shuffling");
        var network = ChannelShuffle.ShuffledCopy(architecture, options, source.Module, seed);
        return Copy(source, network, options, $"channel-shuffled copy (seed {seed}) of {source.Card.Source}");
    }

    /// <summary>The same architecture and options with fresh weights drawn with <paramref name="seed"/>: the network at initialisation.</summary>
    public static Classifier FreshWeights(Classifier source, long seed)
    {
        var (architecture, options) = Architecture(source, "a fresh-weights copy");
        manual_seed(seed);
        var network = ModelRegistry.Create(architecture, options);
        network.to(source.Device);
        var card = source.Card with { Format = ModelFormat.Registry, Options = options, Notes = [.. source.Card.Notes, $"fresh weights (seed {seed}) of {source.Card.Architecture}"] };
        return new Classifier(network, source.Preprocessing, card, source.Device) { Compute = source.Compute };
    }

    private static (string Architecture, ModelOptions Options) Architecture(Classifier source, string surgery)
    {
        source.RequireLayers(surgery);
        if (source.Card.Options is not { } options || !ModelRegistry.Exists(source.Card.Architecture))
            throw new MyopiaException($"{surgery} rebuilds a registry architecture, but {source.Label} is not one ({string.Join(", ", ModelRegistry.Names)})");
        return (source.Card.Architecture, options);
    }

    private static Classifier Copy(Classifier source, nn.Module<Tensor, Tensor> network, ModelOptions options, string note)
    {
        var card = source.Card with { Options = options, Notes = [.. source.Card.Notes, note] };
        return new Classifier(network, source.Preprocessing, card, source.Device) { Compute = source.Compute };
    }
}
