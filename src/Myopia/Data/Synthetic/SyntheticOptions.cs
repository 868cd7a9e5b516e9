namespace Myopia.Data.Synthetic;

/// <summary>
/// Parameters of the built-in convolutional dataset (see docs/synthetic-dataset.md).
/// Defaults give 10 classes of 32x32 RGB images, 4,000 train / 2,000 test, generated in well under a second.
/// </summary>
public sealed record SyntheticOptions
{
    public int Classes { get; init; } = 10;
    public int ImageSize { get; init; } = 32;
    public int TrainCount { get; init; } = 4_000;
    public int TestCount { get; init; } = 2_000;
    /// <summary>Side of a class motif (even): tiles smaller than this never see a whole one.</summary>
    public int MotifSize { get; init; } = 6;
    /// <summary>
    /// Number of shared quarter-motif patterns. Every motif, of every class, and every distractor is a
    /// 2x2 arrangement of these, so only a whole motif's arrangement tells the class.
    /// </summary>
    public int Vocabulary { get; init; } = 4;
    public int VariantsPerClass { get; init; } = 2;
    /// <summary>Class motifs placed in each image.</summary>
    public int MotifsPerImage { get; init; } = 2;
    /// <summary>Class-agnostic distractor patches per image, drawn from a pool shared by all classes.</summary>
    public int DistractorsPerImage { get; init; } = 6;
    /// <summary>Amplitude of uniform pixel noise added everywhere.</summary>
    public int Noise { get; init; } = 30;
    public int Seed { get; init; } = 2024;

    public void Validate()
    {
        if (Classes < 2) throw new MyopiaException("synthetic data needs at least 2 classes");
        if (MotifSize < 2 || MotifSize % 2 != 0 || MotifSize > ImageSize) throw new MyopiaException($"motif size {MotifSize} must be even and in [2, image size {ImageSize}]");
        if (Vocabulary < 2) throw new MyopiaException("the motif vocabulary needs at least 2 patterns");
        if (Math.Pow(Vocabulary, 4) < 2 * Classes * VariantsPerClass) throw new MyopiaException($"a vocabulary of {Vocabulary} has too few arrangements for {Classes} classes x {VariantsPerClass} variants");
        if (TrainCount < 1 || TestCount < 1 || MotifsPerImage < 1 || VariantsPerClass < 1 || DistractorsPerImage < 0)
            throw new MyopiaException("synthetic data counts must be positive");
    }
}
