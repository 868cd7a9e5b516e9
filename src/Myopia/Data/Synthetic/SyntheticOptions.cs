namespace Myopia.Data.Synthetic;

/// <summary>
/// Parameters of the built-in convolutional dataset (see docs/synthetic-dataset.md).
/// Defaults give 10 classes of 32x32 RGB images, 10,000 train / 2,000 test, generated in about a second.
/// </summary>
public sealed record SyntheticOptions
{
    public int Classes { get; init; } = 10;
    public int ImageSize { get; init; } = 32;
    public int TrainCount { get; init; } = 10_000;
    public int TestCount { get; init; } = 2_000;
    /// <summary>Side of a class motif: tiles smaller than this never see a whole one.</summary>
    public int MotifSize { get; init; } = 6;
    /// <summary>Columns of a motif shared with the paired class (2k, 2k+1): half a motif does not tell the pair apart.</summary>
    public int SharedColumns { get; init; } = 3;
    public int VariantsPerClass { get; init; } = 2;
    /// <summary>Class motifs placed in each image.</summary>
    public int MotifsPerImage { get; init; } = 2;
    /// <summary>Class-agnostic distractor patches per image, drawn from a pool shared by all classes.</summary>
    public int DistractorsPerImage { get; init; } = 5;
    public int DistractorPool { get; init; } = 12;
    /// <summary>Amplitude of uniform pixel noise added everywhere.</summary>
    public int Noise { get; init; } = 40;
    public int Seed { get; init; } = 2024;

    public void Validate()
    {
        if (Classes < 2) throw new MyopiaException("synthetic data needs at least 2 classes");
        if (MotifSize < 2 || MotifSize > ImageSize) throw new MyopiaException($"motif size {MotifSize} must be in [2, image size {ImageSize}]");
        if (SharedColumns < 0 || SharedColumns >= MotifSize) throw new MyopiaException("shared columns must be in [0, motif size)");
        if (TrainCount < 1 || TestCount < 1 || MotifsPerImage < 1 || VariantsPerClass < 1 || DistractorPool < 1 || DistractorsPerImage < 0)
            throw new MyopiaException("synthetic data counts must be positive");
    }
}
