using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Models;
using Myopia.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Classifiers;

/// <summary>
/// The one thing every analysis takes: a network (a Myopia model, a PyTorch state_dict loaded into a
/// registry architecture, or a TorchScript module), its preprocessing and its model card, on one device.
/// Owns the network and disposes it.
/// </summary>
public sealed class Classifier : IDisposable
{
    private readonly Normalizer normalizer;
    private readonly bool ownsNetwork;

    public Classifier(nn.IModule<Tensor, Tensor> network, Preprocessing preprocessing, ModelCard card, Device? device = null, bool ownsNetwork = true)
    {
        this.ownsNetwork = ownsNetwork;
        if (network is not nn.Module)
            throw new ArgumentException("the network must be a TorchSharp module", nameof(network));
        Network = network;
        Preprocessing = preprocessing;
        Card = card;
        Device = device ?? CPU;
        if (Device.type != DeviceType.CPU) Module.to(Device);
        normalizer = new Normalizer(preprocessing.Normalization, Device);
    }

    /// <summary>
    /// Wraps a TorchSharp module of one's own (e.g. during training, or a network built in code) without
    /// taking ownership: disposing the classifier leaves the module alive.
    /// </summary>
    public static Classifier FromModule(nn.Module<Tensor, Tensor> module, Normalization normalization, IReadOnlyList<string> classNames,
        int height = 32, int width = 32, int? tile = null, string architecture = "module", double inputNoise = 0)
    {
        var preprocessing = new Preprocessing(normalization, normalization.Mean.Length, height, width, classNames) { InputNoise = inputNoise };
        var card = new ModelCard(architecture, null, "memory", ModelFormat.Registry, tile, Hookable: true,
            HasSpatialLogits: module is ISpatialClassifier, Dataset: null, Parameters: ModelRegistry.ParameterCount(module));
        var device = module.parameters().FirstOrDefault()?.device ?? CPU;
        return new Classifier(module, preprocessing, card, device, ownsNetwork: false);
    }

    public nn.IModule<Tensor, Tensor> Network { get; }

    /// <summary>The network as a module: its mode, parameters and device.</summary>
    public nn.Module Module => (nn.Module)Network;

    public Preprocessing Preprocessing { get; }
    public ModelCard Card { get; }
    public Device Device { get; }

    /// <summary>Short label for progress lines and figure titles, e.g. "resnet18 (run-t16)".</summary>
    public string Label => Card.Format == ModelFormat.Registry
        ? $"{Card.Architecture} (untrained)"
        : $"{Card.Architecture} ({System.IO.Path.GetFileName(Card.Source.TrimEnd('/'))})";

    /// <summary>uint8 (or float in [0, 255]) N x C x H x W pixels on any device to normalized float32 on the classifier's device.</summary>
    public Tensor Normalize(Tensor pixels)
    {
        if (pixels.shape[1] != Preprocessing.Channels)
            throw new MyopiaException($"{Label} takes {Preprocessing.Channels}-channel images but got {pixels.shape[1]} channels");
        using var onDevice = pixels.device == Device ? pixels.alias() : pixels.to(Device);
        if (Preprocessing.InputNoise == 0) return normalizer.FromBytes(onDevice);
        using var clean = normalizer.FromBytes(onDevice);
        noise ??= new Generator(0, Device);
        return Preprocessing.Corrupt(clean, noise);
    }

    /// <summary>
    /// Precision and layout of every forward pass made through <see cref="Logits"/> and <see cref="Forward"/>;
    /// FP32 in the standard layout unless set (the CLI sets it from --precision and --memory-format).
    /// </summary>
    public ComputeChoice Compute { get; set; } = ComputeChoice.Standard;

    // The input corruption of a noise-trained network draws from its own generator (seed 0), so analyses repeat exactly.
    private Generator? noise;

    private readonly Dictionary<string, MemoryFormatTiming> probes = new();

    /// <summary>The layouts measured so far, by input shape (empty when the layout is fixed).</summary>
    public IReadOnlyDictionary<string, MemoryFormatTiming> MeasuredFormats => probes;

    /// <summary>One line for notes: "fp32 (reason), channels-last (measured ...)".</summary>
    public string ComputeSummary => $"{Compute.PrecisionName} ({Compute.PrecisionReason}), " +
        (Compute.Format is { } f ? MemoryFormats.Name(f) : probes.Count == 0 ? "layout measured at first use"
            : string.Join("; ", probes.Select(p => $"{p.Key}: {p.Value.ChosenName} ({p.Value.Describe()})")));

    /// <summary>Logits of normalized images, FP32 whatever the precision (the caller chooses the mode and gradient context).</summary>
    public Tensor Logits(Tensor normalized) => Forward(Network.call, normalized);

    /// <summary>
    /// Runs <paramref name="pass"/> (the network or a part of it, e.g. its dense spatial logits) on
    /// <paramref name="input"/> with this classifier's precision and layout; the output is FP32 and contiguous.
    /// </summary>
    public Tensor Forward(Func<Tensor, Tensor> pass, Tensor input) => SettingsFor(input, pass).Forward(pass, input, Device);

    /// <summary>The settings for a batch like <paramref name="input"/>, measuring the layout on first use of its shape when it is auto.</summary>
    private ComputeSettings SettingsFor(Tensor input, Func<Tensor, Tensor> pass)
    {
        if (Compute.Format is { } fixedFormat || input.dim() != 4)
            return new ComputeSettings(Compute.Precision, Compute.Format ?? MemoryFormat.Contiguous);
        var shape = $"{input.shape[1]}x{input.shape[2]}x{input.shape[3]} batch {Math.Min(input.shape[0], ProbeBatch)}";
        if (!probes.TryGetValue(shape, out var timing))
        {
            var workload = $"infer {Card.Architecture} {Card.Options?.Stem?.ToString() ?? "default-stem"} aa{Card.Options?.Antialias ?? 0} {Card.Parameters} params {shape} {Compute.PrecisionName}";
            using var sample = input.narrow(0, 0, Math.Min(input.shape[0], ProbeBatch));
            timing = MemoryFormatProbe.Choose(MemoryFormatProbe.Key(workload, Device), format =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                new ComputeSettings(Compute.Precision, format).Forward(pass, sample, Device);
            });
            probes[shape] = timing;
        }
        return new ComputeSettings(Compute.Precision, timing.Chosen);
    }

    // Layout speed depends on the batch up to a few hundred images; the probe times at most this many.
    private const int ProbeBatch = 256;

    /// <summary>The network as a dense per-position classifier, when its logits are a spatial mean.</summary>
    public ISpatialClassifier? Spatial => Network as ISpatialClassifier;

    /// <summary>The network as a module tree whose layers can be hooked or changed, or one clear error naming the analysis that needs it.</summary>
    public nn.Module<Tensor, Tensor> RequireLayers(string analysis)
    {
        if (Card.Hookable && Network is nn.Module<Tensor, Tensor> module) return module;
        throw new MyopiaException(
            $"{analysis} needs the network's layers, but {Card.Source} is a {Describe(Card.Format)} that exposes only its forward pass; " +
            "load its weights as a state_dict or safetensors file with --arch to analyse layers");
    }

    /// <summary>
    /// Refuses inputs smaller than the network accepts when it is a registry architecture (whose
    /// smallest side is known), naming that side; other networks are checked by their forward pass.
    /// </summary>
    /// <param name="what">What the side is, for the message: "tile", "--tile", "image".</param>
    public void CheckInputSide(int height, int width, string what)
    {
        if (Card.Options is not { } options || !ModelRegistry.Exists(Card.Architecture)) return;
        ModelRegistry.CheckInputSide(Card.Architecture, options, Math.Min(height, width), what);
    }

    /// <summary>Eval mode and no gradients until disposed; the previous mode is restored.</summary>
    public EvalModeScope EvalMode() => new(Module);

    private static string Describe(ModelFormat format) => format switch
    {
        ModelFormat.TorchScript => "TorchScript model",
        _ => format.ToString(),
    };

    public void Dispose()
    {
        normalizer.Dispose();
        if (ownsNetwork) Module.Dispose();
    }
}
