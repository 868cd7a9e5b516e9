namespace Myopia.Analysis.DiffeoStudy;

/// <summary>How a deformed image reads its source between pixels (diff.py's interp modes).</summary>
public enum WarpInterpolation
{
    /// <summary>Bilinear from the floor/ceil corners of the clamped source coordinate (the papers' choice).</summary>
    Bilinear,
    /// <summary>The source pixel nearest the clamped source coordinate (round half to even, as torch.round).</summary>
    Nearest,
    /// <summary>Gaussian weights exp(−r²/2σ²), σ = 0.4715 px, normalised over the pixels: a smoothing warp; the
    /// reference image is passed through the same smoothing (the warp at T = 0) before it is compared.</summary>
    Gaussian,
}

public static class WarpInterpolations
{
    public static readonly string[] Names = ["bilinear", "nearest", "gaussian"];

    public static WarpInterpolation Parse(string name) => name.ToLowerInvariant() switch
    {
        "bilinear" or "linear" => WarpInterpolation.Bilinear,
        "nearest" => WarpInterpolation.Nearest,
        "gaussian" => WarpInterpolation.Gaussian,
        _ => throw new MyopiaException($"unknown interpolation '{name}'; use one of {string.Join(", ", Names)}"),
    };

    public static string Name(WarpInterpolation interpolation) => Names[(int)interpolation];
}
