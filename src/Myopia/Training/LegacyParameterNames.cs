using System.Text.RegularExpressions;

namespace Myopia.Training;

/// <summary>
/// The parameter names that checkpoints of format 1 used for resnet18/34 and the VGGs, before the
/// networks took torchvision's names, and their renaming. Only names changed; shapes and the order of
/// computation did not, so a renamed state dict gives the old model's logits.
/// </summary>
/// <remarks>
/// ResNet: <c>stem.0</c> → <c>conv1</c>, <c>stem.1</c> → <c>bn1</c>, <c>stages.i</c> (one flat list of
/// blocks) → <c>layer{s}.{b}</c>, a block's <c>shortcut</c> → <c>downsample</c>, <c>head</c> → <c>fc</c>.
/// VGG: <c>features.N</c> were already numbered as torchvision's; <c>head</c> → <c>classifier</c>.
/// </remarks>
public static partial class LegacyParameterNames
{
    /// <summary>The last checkpoint format written with the old names.</summary>
    public const int LastLegacyFormat = 1;

    private static readonly Dictionary<string, int[]> ResNetBlocksPerStage = new(StringComparer.OrdinalIgnoreCase)
    {
        ["resnet18"] = [2, 2, 2, 2],
        ["resnet34"] = [3, 4, 6, 3],
    };

    private static readonly HashSet<string> Vggs = new(StringComparer.OrdinalIgnoreCase)
        { "vgg11", "vgg13", "vgg16", "vgg11bn", "vgg13bn", "vgg16bn" };

    public static bool Covers(string architecture) => ResNetBlocksPerStage.ContainsKey(architecture) || Vggs.Contains(architecture);

    /// <summary>The current name of <paramref name="key"/>; keys that never changed come back as they are.</summary>
    public static string Rename(string architecture, string key)
    {
        if (Vggs.Contains(architecture)) return ReplacePrefix(key, "head.", "classifier.");
        if (!ResNetBlocksPerStage.TryGetValue(architecture, out var blocksPerStage)) return key;
        if (key.StartsWith("stem.0.")) return "conv1." + key["stem.0.".Length..];
        if (key.StartsWith("stem.1.")) return "bn1." + key["stem.1.".Length..];
        if (key.StartsWith("head.")) return ReplacePrefix(key, "head.", "fc.");
        var match = StageBlock().Match(key);
        if (!match.Success) return key;
        var (stage, block) = StageAndBlock(int.Parse(match.Groups[1].Value), blocksPerStage);
        var rest = ReplacePrefix(match.Groups[2].Value, "shortcut.", "downsample.");
        return $"layer{stage + 1}.{block}.{rest}";
    }

    private static (int Stage, int Block) StageAndBlock(int flatIndex, int[] blocksPerStage)
    {
        var index = flatIndex;
        for (var stage = 0; stage < blocksPerStage.Length; stage++)
        {
            if (index < blocksPerStage[stage]) return (stage, index);
            index -= blocksPerStage[stage];
        }
        return (blocksPerStage.Length, flatIndex);
    }

    private static string ReplacePrefix(string key, string from, string to) => key.StartsWith(from) ? to + key[from.Length..] : key;

    [GeneratedRegex(@"^stages\.(\d+)\.(.+)$")]
    private static partial Regex StageBlock();
}
