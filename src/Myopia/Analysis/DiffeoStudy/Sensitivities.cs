namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// The relative sensitivities of one representation f (Petrini et al. 2021; Tomasini et al. 2023):
/// D = ⟨‖f(τx) − f(x)‖²⟩ / ⟨‖f(x) − f(z)‖²⟩ to smooth deformations τ, G the same for matched-norm noise
/// x + η, and R = D / G, the relative stability. Numerators and denominator are kept so that seeds can be
/// combined and the estimators checked.
/// </summary>
public readonly record struct Sensitivities(double D, double G, double R, double NumeratorD, double NumeratorG, double Denominator)
{
    /// <summary>Added to the denominator as the authors' code does, so that a constant representation gives 0, not NaN.</summary>
    public const double DenominatorFloor = 1e-10;

    public static Sensitivities From(double numeratorD, double numeratorG, double denominator)
    {
        double d = numeratorD / denominator, g = numeratorG / denominator;
        return new(d, g, d / g, numeratorD, numeratorG, denominator);
    }

    /// <summary>Arithmetic mean over seeds of D, G and R each, as [P2]'s plots average them.</summary>
    public static Sensitivities ArithmeticMean(IReadOnlyList<Sensitivities> seeds) => seeds.Count == 1 ? seeds[0] : new(
        seeds.Average(s => s.D), seeds.Average(s => s.G), seeds.Average(s => s.R),
        seeds.Average(s => s.NumeratorD), seeds.Average(s => s.NumeratorG), seeds.Average(s => s.Denominator));

    /// <summary>Geometric mean over seeds of D, G and R each, as [P1] combines its seeds.</summary>
    public static Sensitivities GeometricMean(IReadOnlyList<Sensitivities> seeds)
    {
        if (seeds.Count == 1) return seeds[0];
        static double Geo(IEnumerable<double> v) => Math.Exp(v.Average(Math.Log));
        return new(Geo(seeds.Select(s => s.D)), Geo(seeds.Select(s => s.G)), Geo(seeds.Select(s => s.R)),
            Geo(seeds.Select(s => s.NumeratorD)), Geo(seeds.Select(s => s.NumeratorG)), Geo(seeds.Select(s => s.Denominator)));
    }
}
