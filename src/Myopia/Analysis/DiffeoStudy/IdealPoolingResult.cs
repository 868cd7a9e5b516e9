namespace Myopia.Analysis.DiffeoStudy;

/// <summary>D_k, G_k and R_k of one layer of an idealised pooling network; k = 1 is the first layer's output.</summary>
public sealed record IdealPoolingLayer(int K, int Width, Sensitivities Sensitivities);

/// <summary>
/// The sensitivities of every layer of one idealised pooling network, with the options that produced them,
/// and the fitted exponents that §7 predicts.
/// </summary>
public sealed record IdealPoolingResult(IdealPoolingOptions Options, IReadOnlyList<IdealPoolingLayer> Layers) : IAnalysisResult
{
    /// <summary>"stride 1" (diffusion, power laws in k) or "stride s" (block pooling, exponentials in k).</summary>
    public bool Diffusing => Options.Stride == 1;

    public IdealPoolingLayer Layer(int k) => Layers[k - 1];

    /// <summary>
    /// Least-squares slope of log y against log k over layers <paramref name="from"/>..<paramref name="to"/>:
    /// the exponent of a power law, what §7 predicts for stride 1 (D −1, G +1/2, R −3/2).
    /// </summary>
    public double LogLogSlope(Func<Sensitivities, double> quantity, int from, int to) =>
        Slope(Range(from, to).Select(l => (Math.Log(l.K), Math.Log(quantity(l.Sensitivities)))));

    /// <summary>
    /// Least-squares slope of log_s y against k over layers <paramref name="from"/>..<paramref name="to"/>:
    /// the exponent per layer, what §7 predicts for stride s = F (D −1, G +1, R −2).
    /// </summary>
    public double LogPerLayerSlope(Func<Sensitivities, double> quantity, int from, int to) =>
        Slope(Range(from, to).Select(l => ((double)l.K, Math.Log(quantity(l.Sensitivities)) / Math.Log(Options.Stride))));

    /// <summary>
    /// The exponents fitted where §7's laws apply: stride 1 from k = L/4 to L (past the first layers, where
    /// the response is not yet Gaussian); stride s from k = 1 to the last layer whose width is at least 8,
    /// since finite size bends the curves once the blocks cover the input (§7; spec target 4 stops at k = 5).
    /// </summary>
    public (int From, int To) FitRange()
    {
        if (Diffusing) return (Math.Max(1, Options.Layers / 4), Options.Layers);
        int to = Layers.LastOrDefault(l => l.Width >= 8)?.K ?? 1;
        return (1, Math.Max(to, Math.Min(2, Options.Layers)));
    }

    public IReadOnlyDictionary<string, object> Headline()
    {
        var (from, to) = FitRange();
        Func<Func<Sensitivities, double>, int, int, double> fit = Diffusing ? LogLogSlope : LogPerLayerSlope;
        bool fits = to > from;
        return new Dictionary<string, object>
        {
            ["filter"] = Options.Filter,
            ["stride"] = Options.Stride,
            ["layers"] = Options.Layers,
            ["inputs"] = Options.Inputs,
            ["fit"] = Diffusing ? $"log-log slope, k = {from}..{to}" : $"log_{Options.Stride} per layer, k = {from}..{to}",
            ["d_exponent"] = fits ? fit(s => s.D, from, to) : double.NaN,
            ["g_exponent"] = fits ? fit(s => s.G, from, to) : double.NaN,
            ["r_exponent"] = fits ? fit(s => s.R, from, to) : double.NaN,
            ["d_predicted"] = PoolingScaling.For(Options).D,
            ["g_predicted"] = PoolingScaling.For(Options).G,
            ["r_predicted"] = PoolingScaling.For(Options).R,
            ["d_last"] = Layers[^1].Sensitivities.D,
            ["g_last"] = Layers[^1].Sensitivities.G,
            ["r_last"] = Layers[^1].Sensitivities.R,
        };
    }

    private IEnumerable<IdealPoolingLayer> Range(int from, int to)
    {
        if (from < 1 || to > Layers.Count || to <= from) throw new ArgumentOutOfRangeException(nameof(to), $"need 1 <= from < to <= {Layers.Count}, got {from}..{to}");
        return Layers.Where(l => l.K >= from && l.K <= to);
    }

    private static double Slope(IEnumerable<(double X, double Y)> points)
    {
        var p = points.ToList();
        double mx = p.Average(q => q.X), my = p.Average(q => q.Y);
        return p.Sum(q => (q.X - mx) * (q.Y - my)) / p.Sum(q => (q.X - mx) * (q.X - mx));
    }
}
