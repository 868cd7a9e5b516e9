namespace Myopia.Analysis.LinearDynamics;

/// <summary>
/// Closed-form learning curves of one mode under gradient flow with tau = 1/lr steps.
/// FCNN (Saxe et al.): a(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/a0), growth rate 2s/tau.
/// Linear CNN with one dominant frequency: a(t) = s / (1 + (s/a0 - 1) e^{-2 kappa s t / tau}), rate 2 kappa s / tau.
/// </summary>
public static class LearningTheory
{
    public static double FcnnRate(double s, double lr) => 2 * s * lr;

    public static double CnnRate(double s, double kappa, double lr) => 2 * kappa * s * lr;

    public static double Saxe(double t, double s, double a0, double lr)
    {
        double e = Math.Exp(Math.Min(700, 2 * s * t * lr));
        return s * e / (e - 1 + s / a0);
    }

    public static double Logistic(double t, double s, double a0, double rate) =>
        s / (1 + (s / a0 - 1) * Math.Exp(-Math.Min(700, rate * t)));

    /// <summary>Half-learning time of a logistic of initial value a0 and early rate <paramref name="rate"/>.</summary>
    public static double HalfTime(double s, double a0, double rate) => Math.Log(s / a0 - 1) / rate;

    /// <summary>
    /// The effective initial strength: the measured curve's early exponential phase extrapolated back to
    /// t = 0 at the theory's rate. (a(0) itself is a random product of two small weights, often negative.)
    /// </summary>
    public static double? EffectiveInitial(Trajectory trajectory, int mode, double s, double rate, double level = 1e-4)
    {
        for (int i = 0; i < trajectory.Steps.Length; i++)
            if (trajectory.ModeStrength[i][mode] >= level * s)
                return trajectory.ModeStrength[i][mode] * Math.Exp(-rate * trajectory.Steps[i]);
        return null;
    }

    /// <summary>R^2 of a prediction against measured values.</summary>
    public static double RSquared(double[] measured, double[] predicted)
    {
        double mean = measured.Average();
        double total = measured.Sum(v => (v - mean) * (v - mean));
        double residual = measured.Zip(predicted).Sum(p => (p.First - p.Second) * (p.First - p.Second));
        return total == 0 ? 1 : 1 - residual / total;
    }
}
