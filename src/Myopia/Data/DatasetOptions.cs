using System.Globalization;
using Myopia.Data.Transforms;

namespace Myopia.Data;

/// <summary>Whether a split is decoded into memory or read from its files batch by batch.</summary>
public enum StreamMode { Auto, Yes, No }

/// <summary>What to do with a file that cannot be decoded.</summary>
public enum BadImagePolicy { Fail, Skip }

/// <summary>
/// The options of a dataset read from files, written after its name as torchvision users know them:
/// <c>imagefolder:resize=256,crop=224,interpolation=bilinear</c>,
/// <c>imagenet:random-resized-crop=224,scale=0.08-1,ratio=0.75-1.3333</c>, <c>cifar100:labels=coarse</c>.
/// Because they are part of the dataset's name, every checkpoint, sweep and result that records the
/// name records them, and a later analysis of a model rebuilds the images it was trained on.
/// </summary>
public sealed record DatasetOptions(
    ImagePipeline? Pipeline = null,
    StreamMode Stream = StreamMode.Auto,
    BadImagePolicy OnBadImage = BadImagePolicy.Fail,
    string? Labels = null)
{
    public static DatasetOptions Default { get; } = new();

    public const string Keys = "resize, crop, interpolation, random-resized-crop, scale, ratio, stream (auto|yes|no), on-bad-image (fail|skip), labels (cifar100: fine|coarse)";

    /// <summary>Parses "key=value,..." (null or empty: the defaults).</summary>
    public static DatasetOptions Parse(string? text, string dataset)
    {
        if (string.IsNullOrWhiteSpace(text)) return Default;
        int? resize = null, crop = null, random = null;
        double[]? scale = null, ratio = null;
        Interpolation? interpolation = null;
        var options = Default;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new MyopiaException($"dataset option '{part}' of {dataset} is not key=value; keys: {Keys}");
            var (key, value) = (part[..eq].Trim().ToLowerInvariant(), part[(eq + 1)..].Trim());
            switch (key)
            {
                case "resize": resize = Side(key, value, dataset); break;
                case "crop" or "center-crop": crop = Side(key, value, dataset); break;
                case "random-resized-crop": random = Side(key, value, dataset); break;
                case "interpolation": interpolation = Interpolations.Parse(value); break;
                case "scale": scale = Range(key, value, dataset); break;
                case "ratio": ratio = Range(key, value, dataset); break;
                case "stream":
                    options = options with
                    {
                        Stream = value.ToLowerInvariant() switch
                        {
                            "auto" => StreamMode.Auto, "yes" or "true" => StreamMode.Yes, "no" or "false" => StreamMode.No,
                            _ => throw new MyopiaException($"stream={value} of {dataset}: use auto, yes or no"),
                        },
                    };
                    break;
                case "on-bad-image":
                    options = options with
                    {
                        OnBadImage = value.ToLowerInvariant() switch
                        {
                            "fail" => BadImagePolicy.Fail, "skip" => BadImagePolicy.Skip,
                            _ => throw new MyopiaException($"on-bad-image={value} of {dataset}: use fail or skip"),
                        },
                    };
                    break;
                case "labels":
                    if (value is not ("fine" or "coarse")) throw new MyopiaException($"labels={value} of {dataset}: use fine or coarse");
                    options = options with { Labels = value };
                    break;
                default:
                    throw new MyopiaException($"unknown dataset option '{key}' of {dataset}; keys: {Keys}");
            }
        }
        if ((scale is not null || ratio is not null) && random is null)
            throw new MyopiaException($"scale and ratio of {dataset} belong to random-resized-crop=SIZE; give it too");
        if (resize is not null || crop is not null || random is not null || interpolation is not null)
        {
            var trainCrop = random is { } size
                ? new RandomResizedCrop(size, scale?[0] ?? 0.08, scale?[1] ?? 1.0, ratio?[0] ?? 3.0 / 4.0, ratio?[1] ?? 4.0 / 3.0)
                : null;
            // A random crop alone evaluates as torchvision's references do: resize to size / 0.875, center crop size.
            if (trainCrop is not null && resize is null && crop is null)
                (resize, crop) = ((int)Math.Round(trainCrop.Size / 0.875), trainCrop.Size);
            var pipeline = new ImagePipeline(resize, crop, interpolation ?? Interpolation.Bilinear, trainCrop);
            pipeline.Validate();
            options = options with { Pipeline = pipeline };
        }
        return options;
    }

    private static int Side(string key, string value, string dataset) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var side) && side >= 1
            ? side
            : throw new MyopiaException($"{key}={value} of {dataset}: expected a size in pixels (a positive integer)");

    private static double[] Range(string key, string value, string dataset)
    {
        var parts = value.Split('-');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            return [a, b];
        throw new MyopiaException($"{key}={value} of {dataset}: expected MIN-MAX, e.g. {(key == "scale" ? "0.08-1" : "0.75-1.3333")}");
    }
}
