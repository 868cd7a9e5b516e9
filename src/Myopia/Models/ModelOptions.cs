namespace Myopia.Models;

/// <summary>Options every registry architecture is created with.</summary>
public sealed record ModelOptions(int Classes, int Channels = 3, Stem Stem = Stem.Study, int Antialias = 0);

public enum Stem { Study, Cifar, ImageNet }
