namespace Myopia.Analysis.DiffeoStudy;

/// <summary>One network of the error-vs-R_f plot: its test error, R_f trained and, when measured, at initialisation.</summary>
public sealed record ErrorPoint(string Name, double Error, double RTrained, double? RInit, double DTrained, double GTrained);

/// <summary>
/// [P1]'s headline relation across architectures, ε_t ≈ 0.2·√R_f: the least-squares fit of log ε on log R_f
/// (slope and intercept, in natural logs, with the slope's standard error), and the median of ε/√R_f.
/// </summary>
public sealed record ErrorScaling(IReadOnlyList<ErrorPoint> Points, double Slope, double SlopeStandardError, double Intercept, double MedianPrefactor)
{
    /// <summary>The [P1] prefactor: ε_t ≈ 0.2·√R_f.</summary>
    public const double PaperPrefactor = 0.2;

    public static ErrorScaling Fit(IReadOnlyList<ErrorPoint> points)
    {
        var usable = points.Where(p => p.Error > 0 && p.RTrained > 0 && double.IsFinite(p.RTrained)).ToList();
        var prefactors = usable.Select(p => p.Error / Math.Sqrt(p.RTrained)).Order().ToList();
        double median = prefactors.Count == 0 ? double.NaN
            : prefactors.Count % 2 == 1 ? prefactors[prefactors.Count / 2] : (prefactors[prefactors.Count / 2 - 1] + prefactors[prefactors.Count / 2]) / 2;
        if (usable.Count < 2) return new ErrorScaling(points, double.NaN, double.NaN, double.NaN, median);
        var x = usable.Select(p => Math.Log(p.RTrained)).ToArray();
        var y = usable.Select(p => Math.Log(p.Error)).ToArray();
        double mx = x.Average(), my = y.Average();
        double sxx = x.Sum(v => (v - mx) * (v - mx)), sxy = x.Zip(y).Sum(v => (v.First - mx) * (v.Second - my));
        double slope = sxx > 0 ? sxy / sxx : double.NaN, intercept = my - slope * mx;
        double residual = x.Zip(y).Sum(v => Math.Pow(v.Second - intercept - slope * v.First, 2));
        double se = usable.Count > 2 && sxx > 0 ? Math.Sqrt(residual / (usable.Count - 2) / sxx) : double.NaN;
        return new ErrorScaling(points, slope, se, intercept, median);
    }
}
