using System.Text.Json;
using System.Text.Json.Serialization;
using Myopia.IO;

namespace Myopia.Classifiers;

/// <summary>
/// The small JSON that travels beside a PyTorch model file (<c>FILE.json</c>, e.g. <c>model.pth.json</c>,
/// or <c>model-card.json</c> in the same folder) with what the weights cannot carry. Every field is
/// optional; command-line options override it; other fields (history, recipe, command) are kept for
/// people and ignored here. Example:
/// <code>{"architecture": "resnet18", "options": {"classes": 10, "channels": 3, "stem": "cifar", "antialias": 0},
///  "class_names": ["airplane", ...], "normalization": {"mean": [0.4914, 0.4822, 0.4465], "std": [0.247, 0.243, 0.261]},
///  "input_size": [3, 32, 32], "tile": 16, "dataset": "cifar10"}</code>
/// </summary>
public sealed record ModelCardFile
{
    public string? Architecture { get; init; }
    public CardOptions? Options { get; init; }
    public string[]? ClassNames { get; init; }
    public CardNormalization? Normalization { get; init; }
    public int[]? InputSize { get; init; }
    public int? Tile { get; init; }
    public string? Dataset { get; init; }

    public sealed record CardOptions(int? Classes = null, int? Channels = null, string? Stem = null, int? Antialias = null);

    public sealed record CardNormalization(float[] Mean, float[] Std);

    /// <summary>The card beside <paramref name="modelFile"/>, or null when there is none.</summary>
    public static (ModelCardFile Card, string Path)? Find(string modelFile)
    {
        foreach (var candidate in new[] { modelFile + ".json", System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(modelFile))!, "model-card.json") })
        {
            if (!File.Exists(candidate)) continue;
            try
            {
                return (JsonOutput.Deserialize<ModelCardFile>(File.ReadAllText(candidate)), candidate);
            }
            catch (JsonException e)
            {
                throw new MyopiaException($"model card {candidate} is not valid JSON of the expected shape: {e.Message}");
            }
        }
        return null;
    }
}
