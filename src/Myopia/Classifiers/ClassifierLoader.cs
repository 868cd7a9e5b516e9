using Myopia.Data;
using Myopia.Interop;
using Myopia.Models;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Classifiers;

/// <summary>
/// Resolves a model spec into a <see cref="Classifier"/>: a Myopia run folder or checkpoint, a PyTorch
/// state_dict (.pt/.pth) or safetensors file for a registry architecture, a TorchScript file, or a
/// registry name (fresh seeded weights). The kind of a file is read from its content, not its name.
/// Metadata comes, in order of precedence, from the options, the file (checkpoint or model card
/// beside it), then the dataset's defaults.
/// </summary>
public static class ClassifierLoader
{
    /// <summary>The forms a model spec takes, for help texts.</summary>
    public const string SpecHelp =
        "a run folder or checkpoint from 'myopia train', a PyTorch state_dict (.pt/.pth) or .safetensors file (with --arch or a model card), " +
        "a TorchScript file, or a registry name for fresh weights (e.g. resnet18)";

    public static Classifier Load(string spec, ClassifierOptions? options = null, DataDefaults? defaults = null)
    {
        options ??= new ClassifierOptions();
        return KindOf(spec) switch
        {
            ModelSpecKind.MyopiaCheckpoint => FromCheckpoint(Checkpoint.Resolve(spec), options),
            ModelSpecKind.Registry => FromRegistry(spec, options, defaults),
            ModelSpecKind.TorchScript => FromTorchScript(spec, options, defaults),
            var kind => FromStateDict(spec, kind, options, defaults),
        };
    }

    /// <summary>What a model spec names, read from the file's content; one clear error for a missing or unreadable one.</summary>
    public static ModelSpecKind KindOf(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new MyopiaException("no model given");
        if (Directory.Exists(spec))
        {
            Checkpoint.Resolve(spec); // a run folder without checkpoint.pt is refused here
            return ModelSpecKind.MyopiaCheckpoint;
        }
        if (File.Exists(spec))
        {
            return ModelFileKind.Detect(spec) switch
            {
                ModelFileFormat.MyopiaCheckpoint => ModelSpecKind.MyopiaCheckpoint,
                ModelFileFormat.StateDictPickle => ModelSpecKind.StateDict,
                ModelFileFormat.Safetensors => ModelSpecKind.Safetensors,
                ModelFileFormat.TorchScript => ModelSpecKind.TorchScript,
                _ => throw new MyopiaException($"{spec} is not a model file Myopia reads (neither a Myopia checkpoint, a PyTorch state_dict or TorchScript archive, " +
                                               "nor safetensors); is it truncated or of another format?"),
            };
        }
        if (ModelRegistry.Exists(spec)) return ModelSpecKind.Registry;
        bool looksLikePath = spec.Contains('/') || spec.Contains('\\') || Path.HasExtension(spec);
        throw new MyopiaException(looksLikePath
            ? $"model not found: {spec}"
            : $"model '{spec}' not found: neither a file, a run folder nor a registry architecture ({string.Join(", ", ModelRegistry.Names)})");
    }

    private static Classifier FromCheckpoint(string path, ClassifierOptions options)
    {
        if (options.Architecture is not null || options.Stem is not null || options.Classes is not null || options.Antialias is not null)
            throw new MyopiaException($"{path} is a Myopia checkpoint, which records its architecture and classes; drop --arch, --stem, --antialias and --classes");
        var (info, model) = Checkpoint.Load(path);
        try
        {
            var preprocessing = new Preprocessing(options.Normalization ?? info.Normalization, info.Channels, info.ImageHeight, info.ImageWidth,
                options.ClassNames ?? info.ClassNames) { InputNoise = info.Options?.InputNoise ?? 0 };
            CheckClassNames(preprocessing, info.Classes, path);
            var card = new ModelCard(info.Model, info.ToModelOptions(), path, ModelFormat.MyopiaCheckpoint, info.Tile,
                Hookable: true, HasSpatialLogits: model is ISpatialClassifier, info.Dataset, ModelRegistry.ParameterCount(model));
            return new Classifier(model, preprocessing, card, options.Device) { Compute = options.Compute ?? Compute.ComputeChoice.Standard };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static Classifier FromRegistry(string name, ClassifierOptions options, DataDefaults? defaults)
    {
        var notes = new List<string>();
        var (preprocessing, classes) = Resolve(options, null, defaults, notes, $"registry model {name}");
        var modelOptions = new ModelOptions(classes, preprocessing.Channels, options.Stem, options.Antialias ?? 0);
        manual_seed(options.Seed);
        var model = ModelRegistry.Create(name, modelOptions);
        notes.Add($"weights: fresh, seed {options.Seed}");
        var card = new ModelCard(name, modelOptions, "registry", ModelFormat.Registry, options.Tile, Hookable: true,
            HasSpatialLogits: model is ISpatialClassifier, defaults?.Dataset, ModelRegistry.ParameterCount(model)) { Notes = notes };
        return new Classifier(model, preprocessing, card, options.Device) { Compute = options.Compute ?? Compute.ComputeChoice.Standard };
    }

    private static Classifier FromStateDict(string path, ModelSpecKind kind, ClassifierOptions options, DataDefaults? defaults)
    {
        var notes = new List<string>();
        var found = ModelCardFile.Find(path);
        if (found is { } f) notes.Add($"model card: {f.Path}");
        var card = found?.Card;
        var architecture = options.Architecture ?? card?.Architecture
            ?? throw new MyopiaException($"{path} holds weights only: give its architecture with --arch ({string.Join(", ", ModelRegistry.Names)}) or put a model card beside it");
        if (!ModelRegistry.Exists(architecture))
            throw new MyopiaException($"unknown architecture '{architecture}' for {path}; known: {string.Join(", ", ModelRegistry.Names)}");
        var (preprocessing, classes) = Resolve(options, card, defaults, notes, path);
        var stem = options.Stem ?? (card?.Options?.Stem is { } s ? ParseStem(s) : null);
        if (stem is null && ModelRegistry.Info(architecture).AcceptsStem(Stem.ImageNet))
        {
            // torchvision's own stem is what a PyTorch user saves; its parameters have the same shapes
            // as the study's 7x7 stride-1 stem, so the choice cannot be read from the weights.
            stem = Stem.ImageNet;
            notes.Add("stem: imagenet (torchvision's); give --stem study or --stem cifar if the network was built otherwise");
        }
        var modelOptions = new ModelOptions(classes, preprocessing.Channels, stem, options.Antialias ?? card?.Options?.Antialias ?? 0);
        var model = ModelRegistry.Create(architecture, modelOptions);
        try
        {
            using var weights = StateDictFile.Read(path);
            notes.AddRange(weights.Notes);
            StateDictLoader.Load(model, weights);
            var format = kind == ModelSpecKind.Safetensors ? ModelFormat.Safetensors : ModelFormat.StateDict;
            var modelCard = new ModelCard(architecture.ToLowerInvariant(), modelOptions, path, format, options.Tile ?? card?.Tile, Hookable: true,
                HasSpatialLogits: model is ISpatialClassifier, card?.Dataset, ModelRegistry.ParameterCount(model)) { Notes = notes };
            return new Classifier(model, preprocessing, modelCard, options.Device) { Compute = options.Compute ?? Compute.ComputeChoice.Standard };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static Classifier FromTorchScript(string path, ClassifierOptions options, DataDefaults? defaults)
    {
        if (options.Architecture is not null || options.Stem is not null || options.Antialias is not null)
            throw new MyopiaException($"{path} is a TorchScript model, which carries its own architecture; drop --arch, --stem and --antialias");
        var notes = new List<string>();
        var found = ModelCardFile.Find(path);
        if (found is { } f) notes.Add($"model card: {f.Path}");
        var (preprocessing, _) = Resolve(options, found?.Card, defaults, notes, path);
        var module = TorchScriptFile.Load(path);
        var card = new ModelCard(found?.Card?.Architecture ?? "torchscript", null, path, ModelFormat.TorchScript, options.Tile ?? found?.Card?.Tile,
            Hookable: false, HasSpatialLogits: false, found?.Card?.Dataset, module.parameters().Sum(p => p.numel())) { Notes = notes };
        return new Classifier(module, preprocessing, card, options.Device) { Compute = options.Compute ?? Compute.ComputeChoice.Standard };
    }

    /// <summary>Lower-case stem names as the CLI and model cards write them.</summary>
    public static Stem ParseStem(string text) => StemNames.Parse(text);

    /// <summary>Preprocessing and class count from the options, then a model card, then the data; each fallback is noted.</summary>
    internal static (Preprocessing Preprocessing, int Classes) Resolve(ClassifierOptions options, ModelCardFile? card, DataDefaults? defaults,
        List<string> notes, string what)
    {
        var names = options.ClassNames ?? card?.ClassNames;
        int? classes = options.Classes ?? card?.Options?.Classes ?? names?.Count;
        if (classes is null && defaults is not null)
        {
            classes = defaults.ClassNames.Count;
            names = defaults.ClassNames;
            notes.Add($"classes: the {classes} of {defaults.Dataset}");
        }
        if (classes is null) throw new MyopiaException($"the number of classes of {what} is unknown: give --classes or a model card");
        if (names is null && defaults is not null && defaults.ClassNames.Count == classes)
        {
            names = defaults.ClassNames;
            notes.Add($"class names: those of {defaults.Dataset}");
        }
        names ??= Preprocessing.NumberedClasses(classes.Value);

        Normalization? normalization = options.Normalization;
        if (normalization is null && card?.Normalization is { } n) normalization = new Normalization(n.Mean, n.Std);
        var shape = options.InputShape ?? (card?.InputSize is [var c, var h, var w] ? (c, h, w) : null);
        if (normalization is null && defaults is not null)
        {
            normalization = defaults.Normalization;
            notes.Add($"normalization: the mean and std of {defaults.Dataset}");
        }
        if (shape is null && defaults is not null)
        {
            shape = (defaults.Channels, defaults.Height, defaults.Width);
            notes.Add($"input size: {defaults.Channels}x{defaults.Height}x{defaults.Width} of {defaults.Dataset}");
        }
        shape ??= (normalization?.Mean.Length ?? 3, 32, 32);
        if (normalization is null)
        {
            normalization = Normalization.Identity(shape.Value.Channels);
            notes.Add("normalization: none (pixels in [0, 1]); give --mean and --std if the model was trained otherwise");
        }
        if (normalization.Mean.Length != shape.Value.Channels || normalization.Std.Length != shape.Value.Channels)
            throw new MyopiaException($"the normalization of {what} has {normalization.Mean.Length} channels but its input has {shape.Value.Channels}");
        var preprocessing = new Preprocessing(normalization, shape.Value.Channels, shape.Value.Height, shape.Value.Width, names);
        CheckClassNames(preprocessing, classes.Value, what);
        return (preprocessing, classes.Value);
    }

    private static void CheckClassNames(Preprocessing preprocessing, int classes, string what)
    {
        if (preprocessing.ClassNames.Count != classes)
            throw new MyopiaException($"{what} has {classes} outputs but {preprocessing.ClassNames.Count} class names were given");
    }
}
