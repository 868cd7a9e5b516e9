using System.CommandLine;
using System.Globalization;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Devices;
using Myopia.Inspection;
using Myopia.Models;
using Myopia.Training;

namespace Myopia.Cli;

/// <summary>
/// The model options every analysis command shares: one model spec (a run folder, a checkpoint, a
/// PyTorch state_dict, safetensors or TorchScript file, or a registry name) and what a PyTorch file
/// may not say about itself, plus the device. Same names, defaults and help everywhere.
/// </summary>
public sealed class ModelSpecOptions
{
    private readonly Option<string> model = new("--model", "--checkpoint")
    {
        Description = "the model: " + ClassifierLoader.SpecHelp,
        Required = true,
    };
    private readonly Argument<string> modelArgument = new("model") { Description = "the model: " + ClassifierLoader.SpecHelp };
    private readonly bool asArgument;

    /// <param name="asArgument">Take the model spec as the command's argument (model inspect MODEL) rather than --model.</param>
    public ModelSpecOptions(bool asArgument = false) => this.asArgument = asArgument;
    private readonly Option<string?> arch = new("--arch") { Description = "registry architecture of a state_dict/safetensors file (e.g. resnet18, resnet50, vgg16bn)" };
    private readonly Option<string?> stem = new("--stem") { Description = "stem of that architecture: study (7x7 stride 1, no max-pool), cifar (3x3) or imagenet (torchvision's)" };
    private readonly Option<int?> antialias = new("--antialias") { Description = "BlurPool filter size 1-7 before every subsampling (Zhang 2019; 1: the antialiased layout with an identity filter); 0 or omitted: none" };
    private readonly Option<int?> classes = new Option<int?>("--classes") { Description = "number of outputs of a model file that does not say (default: the dataset's)" }.AtLeast(1);
    private readonly Option<string?> classNames = new("--class-names") { Description = "comma-separated class names of a model file that does not carry them" };
    private readonly Option<string?> mean = new("--mean") { Description = "per-channel mean the model was trained with, e.g. 0.485,0.456,0.406 (default: the model card's, else the dataset's)" };
    private readonly Option<string?> std = new("--std") { Description = "per-channel standard deviation, e.g. 0.229,0.224,0.225" };
    private readonly Option<string?> input = new("--input") { Description = "input size CxHxW of a model file that does not say, e.g. 3x224x224" };
    private readonly Option<int> seed = new("--weights-seed") { Description = "seed of the fresh weights when --model names a registry architecture", DefaultValueFactory = _ => 0 };
    private readonly Option<string> device = CommonOptions.Device();
    private readonly Option<string> precision = CommonOptions.Precision();
    private readonly Option<string> memoryFormat = CommonOptions.MemoryFormat();

    public ModelSpecOptions AddTo(Command command)
    {
        antialias.Validators.Add(r =>
        {
            if (OptionRules.Value<int?>(r) is { } a && a is < 0 or > ModelOptions.MaxFilterSize)
                r.AddError($"--antialias must be 0 (none) or a filter size 1..{ModelOptions.MaxFilterSize}, got {a}");
        });
        if (asArgument) command.Arguments.Add(modelArgument);
        else command.Options.Insert(0, model); // the first thing a user gives, so the first line of help
        foreach (var option in new Option[] { arch, stem, antialias, classes, classNames, mean, std, input, seed, device, precision, memoryFormat })
            command.Options.Add(option);
        return this;
    }

    public string Spec(ParseResult parse) => asArgument ? parse.GetValue(modelArgument)! : parse.GetValue(model)!;

    /// <summary>The dataset (and its folder) a Myopia checkpoint, or a model card beside a PyTorch file, says the model was trained on.</summary>
    public (string Dataset, string? DataDir)? TrainedOn(ParseResult parse)
    {
        var spec = Spec(parse);
        var kind = ClassifierLoader.KindOf(spec);
        if (kind == ModelSpecKind.MyopiaCheckpoint)
        {
            var info = Checkpoint.ReadInfo(spec);
            return (info.Dataset, info.DataDir);
        }
        if (kind != ModelSpecKind.Registry && ModelCardFile.Find(spec)?.Card.Dataset is { } dataset)
            return (dataset, null);
        return null;
    }

    /// <summary>
    /// The dataset an analysis runs on: --data, else the one the checkpoint was trained on (with its
    /// folder unless --data-dir says another), else an error asking for --data.
    /// </summary>
    public (string Dataset, string? DataDir) Dataset(ParseResult parse, Option<string?> data, Option<string?> dataDir)
    {
        Options(parse); // a bad --device, --input, --mean/--std or --stem fails before any data is read
        var trained = TrainedOn(parse);
        var name = parse.GetValue(data) ?? trained?.Dataset
            ?? throw new MyopiaException($"{Spec(parse)} does not record the dataset it was trained on: give --data");
        var dir = parse.GetValue(dataDir) ?? (trained is { } t && t.Dataset == name ? t.DataDir : null);
        return (name, dir);
    }

    public Classifier Load(ParseResult parse, DataDefaults? defaults = null) => Load(parse, Options(parse), defaults);

    public Classifier Load(ParseResult parse, ClassifierOptions options, DataDefaults? defaults = null)
    {
        var classifier = ClassifierLoader.Load(Spec(parse), options, defaults);
        foreach (var note in classifier.Card.Notes) Console.Error.WriteLine($"note: {note}");
        Console.Error.WriteLine($"note: computing in {classifier.Compute.PrecisionName} ({classifier.Compute.PrecisionReason}), activations {classifier.Compute.FormatName}");
        return classifier;
    }

    /// <summary>The options as given on the command line (null where not given).</summary>
    public ClassifierOptions Options(ParseResult parse)
    {
        return new ClassifierOptions(
            Architecture: parse.GetValue(arch),
            Stem: parse.GetValue(stem) is { } s ? ParseStem(s) : null,
            Antialias: parse.GetValue(antialias),
            Classes: parse.GetValue(classes),
            ClassNames: parse.GetValue(classNames) is { } names ? names.Split(',', StringSplitOptions.TrimEntries) : null,
            Normalization: Normalization(parse),
            InputShape: parse.GetValue(input) is { } text ? ImageShape.Parse(text).Tuple : null,
            Seed: parse.GetValue(seed),
            Device: DeviceChoice.Parse(parse.GetValue(device)),
            Compute: Myopia.Compute.ComputeChoice.Resolve(parse.GetValue(precision), parse.GetValue(memoryFormat), DeviceChoice.Parse(parse.GetValue(device))));
    }

    private Normalization? Normalization(ParseResult parse)
    {
        var (m, s) = (parse.GetValue(mean), parse.GetValue(std));
        if (m is null && s is null) return null;
        if (m is null || s is null) throw new MyopiaException("--mean and --std go together");
        float[] Values(string text, string name) => text.Split(',', StringSplitOptions.TrimEntries)
            .Select(v => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f)
                ? f : throw new MyopiaException($"{name}: '{v}' is not a number")).ToArray();
        var (meanValues, stdValues) = (Values(m, "--mean"), Values(s, "--std"));
        if (meanValues.Length != stdValues.Length) throw new MyopiaException($"--mean has {meanValues.Length} values but --std has {stdValues.Length}");
        if (stdValues.Any(v => v <= 0)) throw new MyopiaException("--std values must be positive");
        return new Normalization(meanValues, stdValues);
    }

    private static Stem ParseStem(string text) => ClassifierLoader.ParseStem(text);
}
