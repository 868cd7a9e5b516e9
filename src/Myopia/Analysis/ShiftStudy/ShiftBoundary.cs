namespace Myopia.Analysis.ShiftStudy;

/// <summary>What a shift does at the image border.</summary>
public enum ShiftBoundary
{
    /// <summary>Windows of a larger image (Azulay's crop protocol, Zhang's consistency): new content enters at the border.</summary>
    Crop,

    /// <summary>torch.roll: what leaves one side enters at the other (the CIFAR protocol of the later literature).</summary>
    Circular,

    /// <summary>The standard shift: vacated pixels become zero (black).</summary>
    Zero,
}

public static class ShiftBoundaries
{
    public static readonly string[] Names = ["crop", "circular", "zero"];

    public static ShiftBoundary Parse(string name) => name.ToLowerInvariant() switch
    {
        "crop" => ShiftBoundary.Crop,
        "circular" => ShiftBoundary.Circular,
        "zero" => ShiftBoundary.Zero,
        _ => throw new MyopiaException($"unknown shift boundary '{name}'; known: {string.Join(", ", Names)}"),
    };

    public static string Name(ShiftBoundary boundary) => Names[(int)boundary];
}
