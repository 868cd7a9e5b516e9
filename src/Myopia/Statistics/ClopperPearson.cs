namespace Myopia.Statistics;

/// <summary>A proportion measured as <see cref="Successes"/> of <see cref="Trials"/>, with its confidence interval.</summary>
public sealed record ProportionInterval(int Successes, int Trials, double Lower, double Upper, double Level)
{
    public double Estimate => Trials == 0 ? double.NaN : (double)Successes / Trials;

    /// <summary>True when the two intervals share a point: the difference is within measurement noise.</summary>
    public bool Overlaps(ProportionInterval other) => Lower <= other.Upper && other.Lower <= Upper;
}

/// <summary>
/// The exact (Clopper–Pearson, 1934) binomial confidence interval: the bounds are beta quantiles,
/// B(α/2; k, n−k+1) and B(1−α/2; k+1, n−k). Conservative (coverage at least the level) and defined
/// for 0 and n successes, which a test-set accuracy near 0% or 100% needs.
/// </summary>
public static class ClopperPearson
{
    public const double DefaultLevel = 0.95;

    public static ProportionInterval Interval(int successes, int trials, double level = DefaultLevel)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} successes of {trials} trials is not a proportion");
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), "the level must lie strictly between 0 and 1");
        if (trials == 0) return new ProportionInterval(0, 0, 0, 1, level);
        double alpha = 1 - level;
        double lower = successes == 0 ? 0 : IncompleteBeta.Inverse(successes, trials - successes + 1, alpha / 2);
        double upper = successes == trials ? 1 : IncompleteBeta.Inverse(successes + 1, trials - successes, 1 - alpha / 2);
        return new ProportionInterval(successes, trials, lower, upper, level);
    }

    /// <summary>The interval of an accuracy measured on <paramref name="images"/> images (the count of correct ones rounded from it).</summary>
    public static ProportionInterval ForAccuracy(double accuracy, int images, double level = DefaultLevel) =>
        Interval((int)Math.Round(Math.Clamp(accuracy, 0, 1) * images), images, level);
}
