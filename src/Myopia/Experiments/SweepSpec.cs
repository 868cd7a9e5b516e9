using Myopia.Training;

namespace Myopia.Experiments;

/// <summary>
/// A sweep: the Cartesian product of models x tile sizes x seeds (x any extra axis of training
/// options) on one dataset, with a shared base recipe. Saved as sweep.json in the sweep folder.
/// A tile of 0 means full images.
/// </summary>
public sealed record SweepSpec
{
    public TrainOptions Base { get; init; } = new();
    public string[] Models { get; init; } = ["smallcnn"];
    public int[] Tiles { get; init; } = [0];
    public int[] Seeds { get; init; } = [42];
    /// <summary>Extra axes: option name (as in TrainOptions JSON, e.g. "lr") to the values to try.</summary>
    public Dictionary<string, System.Text.Json.JsonElement[]> Axes { get; init; } = [];
    /// <summary>Patch-averaged evaluation (mode B) stride after each run; 0 skips mode B.</summary>
    public int PatchStride { get; init; } = 1;
    /// <summary>Use only this many test images for mode B (it costs (H-T+1)^2 forward passes an image); null: all.</summary>
    public int? PatchTestLimit { get; init; }

    public IEnumerable<SweepPoint> Points()
    {
        var axes = Axes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        IEnumerable<List<(string, System.Text.Json.JsonElement)>> extra = [[]];
        foreach (var (name, values) in axes)
            extra = extra.SelectMany(prefix => values.Select(v => new List<(string, System.Text.Json.JsonElement)>(prefix) { (name, v) }));
        foreach (var model in Models)
        foreach (var tile in Tiles)
        foreach (var seed in Seeds)
        foreach (var combination in extra)
        {
            // A recipe's translation padding is for full images: tiles are already random crops (Recipes.WithTile).
            var options = Recipes.WithTile(Base with { Model = model, Seed = seed }, tile > 0 ? tile : null);
            options = SweepOverrides.Apply(options, combination);
            var suffix = string.Concat(combination.Select(c => $"-{c.Item1}{c.Item2}"));
            yield return new SweepPoint($"{model}-{(tile > 0 ? $"t{tile}" : "full")}-s{seed}{suffix}", options,
                combination.ToDictionary(c => c.Item1, c => c.Item2.ToString()));
        }
    }

    public void Validate()
    {
        if (Models.Length == 0 || Tiles.Length == 0 || Seeds.Length == 0)
            throw new MyopiaException("a sweep needs at least one model, one tile size and one seed");
        if (Tiles.Any(t => t < 0)) throw new MyopiaException("tile sizes must be >= 0 (0 = full images)");
        foreach (var p in Points()) p.Options.Validate();
    }
}

/// <summary>One run of a sweep: its folder name and full options.</summary>
public sealed record SweepPoint(string Name, TrainOptions Options, Dictionary<string, string> Extra);
