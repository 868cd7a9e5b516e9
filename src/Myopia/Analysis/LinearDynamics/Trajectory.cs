namespace Myopia.Analysis.LinearDynamics;

/// <summary>What full-batch gradient descent did, recorded at every step: loss and mode strengths a_a(t).</summary>
public sealed record Trajectory(string Network, double LearningRate, int[] Steps, double[] Loss, double[][] ModeStrength)
{
    /// <summary>First step at which a_a reaches half of s_a, or null.</summary>
    public int? HalfLearningStep(int mode, double s)
    {
        for (int i = 0; i < Steps.Length; i++)
            if (ModeStrength[i][mode] >= s / 2) return Steps[i];
        return null;
    }

    /// <summary>
    /// Early exponential growth rate of a_a per step: least-squares slope of ln a over the steps where
    /// a / s lies between <paramref name="low"/> and <paramref name="high"/> (well before saturation).
    /// </summary>
    public double? GrowthRate(int mode, double s, double low = 1e-6, double high = 1e-2)
    {
        var points = Enumerable.Range(0, Steps.Length)
            .Where(i => ModeStrength[i][mode] > low * s && ModeStrength[i][mode] < high * s)
            .Select(i => ((double)Steps[i], Math.Log(ModeStrength[i][mode]))).ToList();
        if (points.Count < 3) return null;
        double mx = points.Average(p => p.Item1), my = points.Average(p => p.Item2);
        double sxy = points.Sum(p => (p.Item1 - mx) * (p.Item2 - my)), sxx = points.Sum(p => (p.Item1 - mx) * (p.Item1 - mx));
        return sxx > 0 ? sxy / sxx : null;
    }

    /// <summary>
    /// Loss levels the curve rests on: runs of at least <paramref name="minLength"/> steps whose loss changes by
    /// less than <paramref name="flatness"/> per step, merged when within 0.01 of each other.
    /// </summary>
    public double[] Plateaus(double flatness = 2e-5, int minLength = 20)
    {
        var levels = new List<double>();
        int start = 0;
        for (int i = 1; i <= Loss.Length; i++)
        {
            bool flat = i < Loss.Length && Math.Abs(Loss[i] - Loss[i - 1]) < flatness;
            if (flat) continue;
            if (i - start >= minLength && Loss[start] > 1e-4)
            {
                double level = Loss.Skip(start).Take(i - start).Average();
                if (levels.Count == 0 || Math.Abs(levels[^1] - level) > 0.01) levels.Add(level);
            }
            start = i;
        }
        return levels.ToArray();
    }
}
