namespace Myopia.Analysis.ShiftStudy;

/// <summary>The canvas around an embedded image.</summary>
public enum Background
{
    /// <summary>Zero pixels (Azulay's "Black").</summary>
    Black,

    /// <summary>The dataset's mean colour (what Azulay's PyTorch code gets by writing zeros after normalization).</summary>
    Mean,

    /// <summary>Azulay's inpainting (<see cref="Inpainting"/>) of the black canvas.</summary>
    Inpaint,
}

public static class Backgrounds
{
    public static readonly string[] Names = ["black", "mean", "inpaint"];

    public static Background Parse(string name) => name.ToLowerInvariant() switch
    {
        "black" => Background.Black,
        "mean" => Background.Mean,
        "inpaint" => Background.Inpaint,
        _ => throw new MyopiaException($"unknown background '{name}'; known: {string.Join(", ", Names)}"),
    };

    public static string Name(Background background) => Names[(int)background];
}
