using Myopia.Data.Synthetic;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>Two active sites r₁ &lt; r₂ of a signal and its label ±1.</summary>
public readonly record struct SitePair(int First, int Second, int Label);

/// <summary>
/// The 1-D scale-detection data (the authors' create_dataset.py and ScaleDetection_SGD.py): every pair of
/// distinct sites of a length-n signal, each site of amplitude √(n/2). Task 2: "plus" = both sites in the
/// same block ⌊r/ξ⌋; task 1: "plus" = periodic distance min(|r₁−r₂|, n−|r₁−r₂|) &lt; ξ − gap, "minus" when
/// ≥ ξ + gap. The training script gives the plus class the label −1 and the other +1; so does this class.
/// Balanced as theirs: all plus pairs and as many minus pairs; train, validation and test take half of
/// each class (train first, then validation, the rest test), after a shuffle of each class by the seed.
/// </summary>
public sealed class ScaleDetection1dData
{
    public ScaleDetection1dData(ScaleDetection1dOptions options)
    {
        Options = options.Validate();
        var (plus, minus) = Classes(options);
        int perClass = plus.Count;
        if (minus.Count < perClass) perClass = minus.Count;
        int trainHalf = options.TrainCount / 2, validationHalf = options.ValidationCount / 2;
        if (trainHalf + validationHalf >= perClass)
            throw new MyopiaException($"the 1-D task (n {options.Length}, xi {options.Xi}, task {options.Task}) has {perClass:N0} signals a class, " +
                                      $"too few for {options.TrainCount} train and {options.ValidationCount} validation signals");
        Shuffle(plus, SplitMix64.Derive(options.Seed, 0x5CA1E, 1));
        Shuffle(minus, SplitMix64.Derive(options.Seed, 0x5CA1E, 2));
        List<SitePair> Take(int from, int count) =>
            [.. plus.GetRange(from, count).Select(p => p with { Label = -1 }), .. minus.GetRange(from, count).Select(p => p with { Label = +1 })];
        Train = Take(0, trainHalf);
        Validation = Take(trainHalf, validationHalf);
        Test = Take(trainHalf + validationHalf, perClass - trainHalf - validationHalf);
        PlusCount = plus.Count;
        MinusCount = minus.Count;
    }

    public ScaleDetection1dOptions Options { get; }
    public IReadOnlyList<SitePair> Train { get; }
    public IReadOnlyList<SitePair> Validation { get; }
    /// <summary>The rest of the balanced set, plus class first.</summary>
    public IReadOnlyList<SitePair> Test { get; }
    /// <summary>Signals of the plus class (same block / close) and of the minus class, before balancing.</summary>
    public int PlusCount { get; }
    public int MinusCount { get; }

    /// <summary>Every pair r₁ &lt; r₂ (itertools.combinations order) in its class; task 1's gap pairs are in neither.</summary>
    public static (List<SitePair> Plus, List<SitePair> Minus) Classes(ScaleDetection1dOptions options)
    {
        var plus = new List<SitePair>();
        var minus = new List<SitePair>();
        int n = options.Length, xi = options.Xi;
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                if (options.Task == 2)
                {
                    (a / xi == b / xi ? plus : minus).Add(new SitePair(a, b, 0));
                    continue;
                }
                int d = Math.Min(b - a, n - (b - a));
                if (d < xi - options.Gap) plus.Add(new SitePair(a, b, 0));
                else if (d >= xi + options.Gap) minus.Add(new SitePair(a, b, 0));
            }
        return (plus, minus);
    }

    /// <summary>The signals (N x 1 x n, float32): zero but √(n/2) at both sites (once if the sites coincide, as the authors' from_coord_to_img).</summary>
    public static Tensor Signals(IReadOnlyList<(int First, int Second)> sites, int length, double amplitude)
    {
        var values = new float[sites.Count * length];
        for (int i = 0; i < sites.Count; i++)
        {
            values[i * length + sites[i].First] = (float)amplitude;
            values[i * length + sites[i].Second] = (float)amplitude;
        }
        return tensor(values, [sites.Count, 1, length]);
    }

    public Tensor Signals(IReadOnlyList<SitePair> pairs) => Signals(pairs.Select(p => (p.First, p.Second)).ToList(), Options.Length, Options.Amplitude);

    public static Tensor Labels(IReadOnlyList<SitePair> pairs) => tensor(pairs.Select(p => (float)p.Label).ToArray());

    private static void Shuffle(List<SitePair> list, ulong seed)
    {
        var random = new SplitMix64(seed);
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = (int)(random.Next() % (ulong)(i + 1));
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
