using System.Globalization;

namespace Myopia.Data.Synthetic;

/// <summary>
/// The knobs of the two-point scale-detection task (Tomasini et al. 2023, after the authors'
/// <c>datasets/twopoints.py</c>), read from the dataset name: <c>twopoints</c> gives the defaults,
/// <c>twopoints:xi=10,gap=2,train=2048</c> changes some. See docs/scale-detection.md.
/// </summary>
/// <param name="Side">Image side d (one channel, d x d).</param>
/// <param name="Xi">Scale ξ separating the classes: L2 distance &lt; ξ − gap/2 is "close", ≥ ξ + gap/2 is "far".</param>
/// <param name="Gap">Width of the band of distances around ξ whose pairs are discarded.</param>
/// <param name="TrainCount">P_tr: balanced training set size (half per class); the test set is 2·P_tr per class.</param>
/// <param name="Seed">Seed of the class shuffles and the training subset (the project's SplitMix64, not the authors' torch permutation).</param>
public sealed record TwoPointsOptions(int Side = 28, double Xi = 14, double Gap = 2, int TrainCount = 1024, long Seed = 123456789)
{
    /// <summary>The value of an active pixel after normalization, 1/m with m = 2/d² (the authors' <c>x / m</c>).</summary>
    public double ActiveValue => Side * Side / 2.0;

    public TwoPointsOptions Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new MyopiaException($"twopoints dataset: {message}");
        }
        Require(Side is >= 3 and <= 255, $"side must be in 3..255 (got {Side})");
        Require(Xi > 0 && double.IsFinite(Xi), $"xi must be a positive number (got {Xi})");
        Require(Gap >= 0 && double.IsFinite(Gap), $"gap must be a number >= 0 (got {Gap})");
        Require(TrainCount >= 2 && TrainCount % 2 == 0, $"train must be an even number >= 2 (got {TrainCount})");
        return this;
    }

    /// <summary>Reads "key=value,..." (keys: side, xi, gap, train, seed) over the defaults.</summary>
    public static TwoPointsOptions Parse(string? spec)
    {
        var options = new TwoPointsOptions();
        if (string.IsNullOrWhiteSpace(spec)) return options.Validate();
        foreach (var item in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw new MyopiaException($"twopoints dataset: '{item}' is not key=value (e.g. twopoints:xi=14,gap=2,train=1024)");
            var key = item[..eq].Trim().Replace("_", "").Replace("-", "").ToLowerInvariant();
            var text = item[(eq + 1)..].Trim();
            options = key switch
            {
                "side" or "d" => options with { Side = (int)Number(key, text, integer: true) },
                "xi" => options with { Xi = Number(key, text, integer: false) },
                "gap" => options with { Gap = Number(key, text, integer: false) },
                "train" or "traincount" or "ptr" => options with { TrainCount = (int)Number(key, text, integer: true) },
                "seed" => options with { Seed = (long)Number(key, text, integer: true) },
                _ => throw new MyopiaException($"twopoints dataset: unknown option '{item[..eq].Trim()}'; known: side, xi, gap, train, seed"),
            };
        }
        return options.Validate();
    }

    private static double Number(string key, string text, bool integer)
    {
        if (integer && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
        if (!integer && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return d;
        throw new MyopiaException($"twopoints dataset: {key} must be {(integer ? "an integer" : "a number")}, got '{text}'");
    }
}
