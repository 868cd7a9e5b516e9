namespace Myopia.Augmentation;

/// <summary>
/// The training-time transform, in the paper's order: optional pad-and-crop (classic translation
/// augmentation), random tile crop without padding, horizontal flip, then normalization.
/// Tile = null means the full image (the paper's baseline: flips only).
/// </summary>
/// <param name="InputNoise">White noise of norm about this added after normalization (noise-corrupted training); 0: none.</param>
public sealed record AugmentationOptions(int? Tile = null, int Pad = 0, PadMode PadMode = PadMode.Zero, bool Flip = true, double InputNoise = 0);
