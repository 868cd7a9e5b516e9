namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// The temperature T of the max-entropy diffeomorphisms and the typical displacement δ it gives
/// (pcsl-epfl/diffeomorphism, diff.py): δ² ≈ ⟨‖τ‖²⟩ = (π/4)·n²·T·ln c in the continuum approximation of the
/// mode sum, hence T(δ) = 4δ² / (π n² ln c); T_min = 1/(π n² ln c) (δ = ½ pixel) and T_max = 4/(π³ c² ln c),
/// the largest T whose warp stays bijective ("no overhang"). n is the image side in pixels, c the mode cutoff.
/// </summary>
/// <remarks>The continuum formula overestimates the discrete mode sum: at n = 32, c = 3, δ = 1 the pixel-averaged
/// E[Δx² + Δy²] of the code's modes is 0.666 px², not 1.</remarks>
public static class DiffeoTemperature
{
    /// <summary>T at which the typical displacement is half a pixel.</summary>
    public static double Min(double side, int cutoff) => 1.0 / (Math.PI * side * side * LogCutoff(cutoff));

    /// <summary>The largest T without overhangs (independent of the side).</summary>
    public static double Max(int cutoff) => 4.0 / (Math.Pow(Math.PI, 3) * cutoff * cutoff * LogCutoff(cutoff));

    /// <summary>T giving typical displacement <paramref name="delta"/> pixels.</summary>
    public static double ForDisplacement(double delta, double side, int cutoff) => 4.0 * delta * delta / (Math.PI * side * side * LogCutoff(cutoff));

    /// <summary>The typical displacement δ (pixels) of temperature <paramref name="temperature"/>.</summary>
    public static double Displacement(double temperature, double side, int cutoff) => Math.Sqrt(temperature * Math.PI * side * side * LogCutoff(cutoff) / 4.0);

    /// <summary><paramref name="count"/> temperatures spaced evenly in log between <paramref name="from"/> and <paramref name="to"/>, both included.</summary>
    public static double[] LogSpaced(double from, double to, int count) => count == 1
        ? [from]
        : Enumerable.Range(0, count).Select(i => Math.Exp(Math.Log(from) + (Math.Log(to) - Math.Log(from)) * i / (count - 1))).ToArray();

    private static double LogCutoff(int cutoff) => cutoff >= 2
        ? Math.Log(cutoff)
        : throw new MyopiaException($"the mode cutoff c must be at least 2 (ln c sets the temperature scale), got {cutoff}");
}
