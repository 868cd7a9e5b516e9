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
}
