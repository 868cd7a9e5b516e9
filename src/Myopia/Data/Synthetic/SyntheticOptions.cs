namespace Myopia.Data.Synthetic;

/// <summary>
/// Every knob of the synthetic "convolutional data set" (docs/synthetic-dataset.md). Defaults give
/// 10 classes of 32x32 RGB images, 10,000 train / 2,000 test, 6x6 motifs built from 3x3 atoms.
/// </summary>
/// <param name="Classes">Number of classes (even, so classes can be paired).</param>
/// <param name="ImageSize">Side of the square images, in pixels.</param>
/// <param name="TrainCount">Training images (balanced: label = index mod classes).</param>
/// <param name="TestCount">Test images, drawn from an independent random stream.</param>
/// <param name="MotifSize">Side of a motif (even): a 2x2 arrangement of atoms of side MotifSize/2.</param>
/// <param name="AtomCount">Size of the shared atom alphabet every motif (class or distractor) is built from.</param>
/// <param name="VariantsPerClass">Different motifs that each signal the same class.</param>
/// <param name="MotifsPerImage">Class motifs placed in each image (the only class evidence).</param>
/// <param name="DistractorsPerImage">Class-agnostic motifs from the shared pool placed in each image.</param>
/// <param name="DistractorPoolSize">Number of distinct distractor motifs, shared by all classes.</param>
/// <param name="BackgroundBlock">Side of the flat blocks of the class-agnostic background texture.</param>
/// <param name="Noise">Standard deviation of the pixel noise (pixels in [0, 1]).</param>
/// <param name="MotifContrast">Opacity of the class motifs over what lies beneath (1: painted as is; lower: fainter evidence).</param>
/// <param name="Seed">Everything (atoms, motifs, images) is a function of this seed.</param>
public sealed record SyntheticOptions(
    int Classes = 10,
    int ImageSize = 32,
    int TrainCount = 10_000,
    int TestCount = 2_000,
    int MotifSize = 6,
    int AtomCount = 8,
    int VariantsPerClass = 2,
    int MotifsPerImage = 2,
    int DistractorsPerImage = 4,
    int DistractorPoolSize = 16,
    int BackgroundBlock = 4,
    float Noise = 0.08f,
    float MotifContrast = 1f,
    int Seed = 42)
{
    public int AtomSize => MotifSize / 2;

    /// <summary>Rejects impossible combinations with a message naming the option.</summary>
    public SyntheticOptions Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new MyopiaException($"synthetic dataset: {message}");
        }
        Require(Classes >= 2 && Classes % 2 == 0, $"Classes must be an even number >= 2 (got {Classes})");
        Require(MotifSize >= 2 && MotifSize % 2 == 0, $"MotifSize must be even and >= 2 (got {MotifSize})");
        Require(ImageSize >= MotifSize, $"ImageSize {ImageSize} is smaller than MotifSize {MotifSize}");
        Require(TrainCount >= Classes && TestCount >= 0, "TrainCount must be >= Classes and TestCount >= 0");
        Require(AtomCount >= 2, "AtomCount must be >= 2");
        Require(VariantsPerClass >= 1 && MotifsPerImage >= 1, "VariantsPerClass and MotifsPerImage must be >= 1");
        Require(DistractorsPerImage >= 0 && DistractorPoolSize >= (DistractorsPerImage > 0 ? 1 : 0), "DistractorPoolSize must be >= 1 when distractors are placed");
        Require(BackgroundBlock >= 1, "BackgroundBlock must be >= 1");
        Require(Noise >= 0, "Noise must be >= 0");
        Require(MotifContrast is > 0 and <= 1, $"MotifContrast must be in (0, 1] (got {MotifContrast})");
        // Class motifs are distinct 2x2 atom arrangements, disjoint from the distractor pool.
        var arrangements = Math.Pow(AtomCount, 4);
        Require(Classes * VariantsPerClass + DistractorPoolSize <= arrangements / 2,
            $"{AtomCount} atoms give too few distinct motifs for {Classes}x{VariantsPerClass} class motifs and {DistractorPoolSize} distractors");
        return this;
    }

    /// <summary>
    /// Reads "key=value,key=value" over these defaults, as written after the colon in a dataset
    /// name such as <c>synthetic:train_count=1000,motif_contrast=0.5</c>. Keys are the option names
    /// in any case, with or without underscores or dashes; an empty spec gives the defaults.
    /// </summary>
    public static SyntheticOptions Parse(string? spec)
    {
        var options = new SyntheticOptions();
        if (string.IsNullOrWhiteSpace(spec)) return options;
        foreach (var item in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw new MyopiaException($"synthetic dataset: '{item}' is not key=value (e.g. synthetic:train_count=1000,motif_contrast=0.5)");
            var key = Normalize(item[..eq]);
            var text = item[(eq + 1)..].Trim();
            if (!Setters.TryGetValue(key, out var set))
                throw new MyopiaException($"synthetic dataset: unknown option '{item[..eq].Trim()}'; known: {string.Join(", ", KeyNames)}");
            options = set(options, text);
        }
        return options.Validate();
    }

    /// <summary>The spec that <see cref="Parse"/> turns back into these options: only what differs from the defaults.</summary>
    public string ToSpec()
    {
        var defaults = new SyntheticOptions();
        var parts = new List<string>();
        foreach (var (name, get) in Getters)
            if (get(this) != get(defaults)) parts.Add($"{name}={get(this)}");
        return string.Join(",", parts);
    }

    private static string Normalize(string key) => key.Trim().Replace("_", "").Replace("-", "").ToLowerInvariant();

    private static readonly (string Name, Func<SyntheticOptions, string> Get, Func<SyntheticOptions, string, SyntheticOptions> Set)[] Keys =
    [
        ("classes", o => Str(o.Classes), (o, v) => o with { Classes = Int("classes", v) }),
        ("image_size", o => Str(o.ImageSize), (o, v) => o with { ImageSize = Int("image_size", v) }),
        ("train_count", o => Str(o.TrainCount), (o, v) => o with { TrainCount = Int("train_count", v) }),
        ("test_count", o => Str(o.TestCount), (o, v) => o with { TestCount = Int("test_count", v) }),
        ("motif_size", o => Str(o.MotifSize), (o, v) => o with { MotifSize = Int("motif_size", v) }),
        ("atom_count", o => Str(o.AtomCount), (o, v) => o with { AtomCount = Int("atom_count", v) }),
        ("variants_per_class", o => Str(o.VariantsPerClass), (o, v) => o with { VariantsPerClass = Int("variants_per_class", v) }),
        ("motifs_per_image", o => Str(o.MotifsPerImage), (o, v) => o with { MotifsPerImage = Int("motifs_per_image", v) }),
        ("distractors_per_image", o => Str(o.DistractorsPerImage), (o, v) => o with { DistractorsPerImage = Int("distractors_per_image", v) }),
        ("distractor_pool_size", o => Str(o.DistractorPoolSize), (o, v) => o with { DistractorPoolSize = Int("distractor_pool_size", v) }),
        ("background_block", o => Str(o.BackgroundBlock), (o, v) => o with { BackgroundBlock = Int("background_block", v) }),
        ("noise", o => Str(o.Noise), (o, v) => o with { Noise = Float("noise", v) }),
        ("motif_contrast", o => Str(o.MotifContrast), (o, v) => o with { MotifContrast = Float("motif_contrast", v) }),
        ("seed", o => Str(o.Seed), (o, v) => o with { Seed = Int("seed", v) }),
    ];

    private static IEnumerable<string> KeyNames => Keys.Select(k => k.Name);
    private static IEnumerable<(string, Func<SyntheticOptions, string>)> Getters => Keys.Select(k => (k.Name, k.Get));
    private static readonly Dictionary<string, Func<SyntheticOptions, string, SyntheticOptions>> Setters =
        Keys.ToDictionary(k => Normalize(k.Name), k => k.Set);

    private static string Str(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static string Str(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static int Int(string key, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new MyopiaException($"synthetic dataset: {key} must be an integer, got '{text}'");

    private static float Float(string key, string text) =>
        float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && float.IsFinite(v)
            ? v : throw new MyopiaException($"synthetic dataset: {key} must be a number, got '{text}'");
}
