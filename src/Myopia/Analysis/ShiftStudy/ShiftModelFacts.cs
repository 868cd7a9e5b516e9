using System.Text.Json;
using Myopia.Classifiers;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// What a shift result needs to know about how its model was built and trained, to be grouped with
/// others (<see cref="ShiftScatter"/>): BlurPool filter size and downsampling from the model card's
/// options; translation padding, tile and seed from the training options saved beside the weights
/// (a Myopia run's <c>config.json</c>, or a PyTorch model's <c>model-card.json</c>), null when unknown.
/// Written to <c>shift.json</c> as <c>model_facts</c>.
/// </summary>
/// <param name="Antialias">BlurPool filter size the model was built with (0: none).</param>
/// <param name="Downsampling">"subsample" or "aps".</param>
/// <param name="Pad">Random translations up to this many pixels in training (0: none); null: unknown.</param>
/// <param name="PadMode">"zero" or "reflect" when <paramref name="Pad"/> &gt; 0.</param>
/// <param name="Tile">Training tile side; null for full images or unknown.</param>
/// <param name="Seed">Training seed, when recorded.</param>
public sealed record ShiftModelFacts(string Architecture, int Antialias, string Downsampling, int? Pad, string? PadMode, int? Tile, long? Seed, string Source)
{
    public static ShiftModelFacts Of(ModelCard card)
    {
        int antialias = card.Options?.Antialias ?? 0;
        string downsampling = card.Options?.Downsampling == Models.Downsampling.Aps ? "aps" : "subsample";
        var (pad, padMode, tile, seed) = Training(card.Source);
        return new(card.Architecture, antialias, downsampling, pad, padMode, tile ?? card.Tile, seed, card.Source);
    }

    /// <summary>
    /// The facts of a <c>shift.json</c> root: its <c>model_facts</c>, or for files written before they were
    /// recorded, the architecture and the training options found beside its <c>model</c> path.
    /// </summary>
    public static ShiftModelFacts FromShiftJson(JsonElement root)
    {
        if (root.TryGetProperty("model_facts", out var f) && f.ValueKind == JsonValueKind.Object)
            return f.Deserialize<ShiftModelFacts>(IO.JsonOutput.File) ?? throw new MyopiaException("model_facts is empty");
        string source = root.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        string architecture = root.TryGetProperty("architecture", out var a) ? a.GetString() ?? "" : "";
        var (pad, padMode, tile, seed) = Training(source);
        int antialias = 0;
        string downsampling = "subsample";
        if (Config(source) is { } config)
        {
            if (config.TryGetProperty("antialias", out var aa) && aa.ValueKind == JsonValueKind.Number) antialias = aa.GetInt32();
            if (config.TryGetProperty("aps", out var aps) && aps.ValueKind == JsonValueKind.True) downsampling = "aps";
        }
        return new(architecture, antialias, downsampling, pad, padMode, tile, seed, source);
    }

    private static (int? Pad, string? PadMode, int? Tile, long? Seed) Training(string source)
    {
        if (Config(source) is { } config)
        {
            int? pad = config.TryGetProperty("pad", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;
            string? mode = pad > 0 && config.TryGetProperty("pad_mode", out var pm) ? pm.GetString() : null;
            int? tile = config.TryGetProperty("tile", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : null;
            long? seed = config.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
            return (pad, mode, tile, seed);
        }
        if (File("model-card.json", source) is { } card)
        {
            int? tile = card.TryGetProperty("tile", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : null;
            long? seed = card.TryGetProperty("recipe", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("seed", out var s)
                && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
            return (null, null, tile, seed);
        }
        return (null, null, null, null);
    }

    private static JsonElement? Config(string source) => File("config.json", source);

    /// <summary>A JSON file beside the weights (or in the run folder given), if it parses.</summary>
    private static JsonElement? File(string name, string source)
    {
        if (string.IsNullOrEmpty(source) || source == "registry") return null;
        try
        {
            string? dir = Directory.Exists(source) ? source : Path.GetDirectoryName(Path.GetFullPath(source));
            if (dir is null) return null;
            var path = Path.Combine(dir, name);
            if (!System.IO.File.Exists(path)) return null;
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
