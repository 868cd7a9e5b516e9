namespace Myopia.Data.Synthetic;

/// <summary>
/// The two-point scale-detection task (Tomasini et al. 2023, §"scale detection"; the authors'
/// <c>leonardopetrini/diffeo-sota</c> <c>datasets/twopoints.py</c>): a d x d one-channel image with two
/// active pixels; label "close" when their L2 distance is below ξ − gap/2, "far" when at least ξ + gap/2.
/// </summary>
/// <remarks>
/// <para>Candidate positions follow the authors' <c>itertools.permutations(range(d), 2)</c>: every (row, column)
/// with row ≠ column, so the main diagonal is never active (a quirk of their code, kept so the counts match:
/// 756 positions and 285,390 unordered pairs for d = 28). Pairs are enumerated in the same order as
/// <c>itertools.combinations</c> before shuffling.</para>
/// <para>Pixel values: the authors divide the 0/1 image by m = 2/d², so an active pixel is 1/m = d²/2 (392 for
/// d = 28) and the image has unit mean. Images here are uint8 like every dataset (active = 255), and the
/// dataset's normalization (mean 0, std m) restores exactly 0 and d²/2, so the background stays 0 after
/// normalization (which the local-translation deformation relies on to find the active pixels).</para>
/// <para>Split: each class list is shuffled with a fixed seed; the authors use torch.randperm with seed
/// 123456789, which cannot be reproduced here, so the shuffle is a Fisher-Yates with the project's SplitMix64
/// (same seed number, different permutation). Test = the last 2·P_tr of each class; train = P_tr/2 of each
/// class from the rest (the first ones of the shuffled lists, hence a random balanced subset).</para>
/// </remarks>
public static class TwoPointsDataset
{
    public const string Name = "twopoints";

    /// <summary>Class 0 is "far", class 1 "close", as the authors' targets (far first); the hinge loss reads class 1 as +1.</summary>
    public static readonly IReadOnlyList<string> ClassNames = ["far", "close"];

    /// <summary>Every candidate active position (row, column) with row ≠ column, in itertools.permutations order.</summary>
    public static (int Row, int Column)[] Positions(int side)
    {
        var positions = new List<(int, int)>(side * (side - 1));
        for (int i = 0; i < side; i++)
            for (int j = 0; j < side; j++)
                if (i != j) positions.Add((i, j));
        return [.. positions];
    }

    /// <summary>Number of unordered pairs of distinct candidate positions.</summary>
    public static long PairCount(int side)
    {
        long p = (long)side * (side - 1);
        return p * (p - 1) / 2;
    }

    /// <summary>
    /// The labelled pairs (indices into <see cref="Positions"/>), in enumeration order, unshuffled:
    /// far and close lists; pairs in the gap are dropped.
    /// </summary>
    public static (List<(int A, int B)> Far, List<(int A, int B)> Close) Classes(TwoPointsOptions options)
    {
        var positions = Positions(options.Side);
        double closeBelow = options.Xi - options.Gap / 2, farFrom = options.Xi + options.Gap / 2;
        var far = new List<(int, int)>();
        var close = new List<(int, int)>();
        for (int a = 0; a < positions.Length; a++)
            for (int b = a + 1; b < positions.Length; b++)
            {
                double di = positions[a].Row - positions[b].Row, dj = positions[a].Column - positions[b].Column;
                double distance = Math.Sqrt(di * di + dj * dj);
                if (distance >= farFrom) far.Add((a, b));
                else if (distance < closeBelow) close.Add((a, b));
            }
        return (far, close);
    }

    /// <summary>Train and test splits as tensors (uint8, active = 255), with the normalization that maps them to 0 and d²/2.</summary>
    public static DatasetSplits Generate(TwoPointsOptions options, Action<string>? log = null)
    {
        var decoded = GenerateDecoded(options, log);
        return new DatasetSplits(
            TensorBytes.ToDataset(Name, decoded.Train, decoded.ClassNames),
            TensorBytes.ToDataset(Name, decoded.Test, decoded.ClassNames),
            Normalization(options));
    }

    /// <summary>Mean 0 and std m = 2/d²: a uint8 255 (1.0 in [0, 1]) becomes 1/m = d²/2, and 0 stays 0.</summary>
    public static Normalization Normalization(TwoPointsOptions options) => new([0f], [(float)(1.0 / options.ActiveValue)]);

    public static DecodedDataset GenerateDecoded(TwoPointsOptions options, Action<string>? log = null)
    {
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (far, close) = Classes(options);
        int perClassTest = 2 * options.TrainCount, perClassTrain = options.TrainCount / 2;
        int smaller = Math.Min(far.Count, close.Count);
        if (smaller < perClassTest + perClassTrain)
            throw new MyopiaException($"twopoints dataset: side {options.Side}, xi {options.Xi}, gap {options.Gap} give {far.Count:N0} far and {close.Count:N0} close pairs, " +
                                      $"too few for train {options.TrainCount} (needs {perClassTest + perClassTrain:N0} a class)");
        Shuffle(far, SplitMix64.Derive(options.Seed, 1, 0));
        Shuffle(close, SplitMix64.Derive(options.Seed, 2, 0));
        var positions = Positions(options.Side);
        var train = Render(options.Side, positions, [far.GetRange(0, perClassTrain), close.GetRange(0, perClassTrain)]);
        var test = Render(options.Side, positions, [far.GetRange(far.Count - perClassTest, perClassTest), close.GetRange(close.Count - perClassTest, perClassTest)]);
        log?.Invoke($"generated twopoints dataset (d {options.Side}, xi {options.Xi}, gap {options.Gap}: {far.Count:N0} far, {close.Count:N0} close pairs; " +
                    $"{train.Count:N0} train, {test.Count:N0} test) in {clock.Elapsed.TotalSeconds:N2} s");
        return new DecodedDataset(Name, train, test, ClassNames);
    }

    // Fisher-Yates with the project's generator: the same list for the same seed on every runtime.
    private static void Shuffle(List<(int, int)> list, ulong seed)
    {
        var random = new SplitMix64(seed);
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = (int)(random.Next() % (ulong)(i + 1));
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    // One image per pair, class by class (label = the list's index).
    private static DecodedImages Render(int side, (int Row, int Column)[] positions, List<(int A, int B)>[] classes)
    {
        int count = classes.Sum(c => c.Count), plane = side * side;
        var pixels = new byte[(long)count * plane];
        var labels = new int[count];
        int n = 0;
        for (int label = 0; label < classes.Length; label++)
            foreach (var (a, b) in classes[label])
            {
                pixels[(long)n * plane + positions[a].Row * side + positions[a].Column] = 255;
                pixels[(long)n * plane + positions[b].Row * side + positions[b].Column] = 255;
                labels[n++] = label;
            }
        return new DecodedImages(pixels, labels, 1, side, side);
    }
}
