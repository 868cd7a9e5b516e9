using static TorchSharp.torch;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// Accumulates the figures of one condition over batches of softmax outputs P (N x T x K, one row of T
/// views per image) and labels y (N). Formulas (Azulay & Weiss; Zhang):
/// <list type="bullet">
/// <item>P(top-1 change) = mean over pairs of 1{k(x) ≠ k(Tx)}, k = argmax.</item>
/// <item>MAC = mean over pairs of |P_k(x)(x) − P_k(x)(Tx)|, k(x) the top-1 class of the first image of the pair (not the label).</item>
/// <item>accuracy = mean over pairs of 1{k(x) = y} on the first image.</item>
/// <item>Sequence pairs are consecutive views (t, t+1); Pairs conditions hold (a₀, b₀, a₁, b₁, ...), and consistency = 1 − P(change).</item>
/// <item>stability curve: mean p_y and correctness per view; rows: p_y of each image at each view.</item>
/// <item>jaggedness: per image, the number of steps t → t+1 at which y enters or leaves the top 5 (mean over images).</item>
/// <item>worst case: the share of images whose top-1 class is not the same in all their views.</item>
/// </list>
/// </summary>
public sealed class ShiftTally(ShiftCondition condition)
{
    private long images, pairs, changed, firstCorrect;
    private double absoluteChange, jagged;
    private long notConstant;
    private double[]? pTrue;
    private double[]? correct;
    private readonly List<float[]> rows = [];
    private readonly List<long> rowImages = [];

    public ShiftCondition Condition { get; } = condition;

    /// <param name="probabilities">Softmax outputs, N x T x K.</param>
    /// <param name="labels">N labels.</param>
    /// <param name="firstIndex">Index of the batch's first image, for the per-image rows.</param>
    public void Add(Tensor probabilities, Tensor labels, long firstIndex = 0)
    {
        using var scope = NewDisposeScope();
        var p = probabilities.to(CPU).to_type(ScalarType.Float64);
        var y = labels.to(CPU).to_type(ScalarType.Int64);
        long n = p.shape[0], t = p.shape[1];
        var top = p.argmax(2);                                                          // N x T
        images += n;
        notConstant += top.ne(top.narrow(1, 0, 1)).any(1).sum().item<long>();
        Tensor first, second;
        if (Condition.Kind == ConditionKind.Sequence)
        {
            first = p.narrow(1, 0, t - 1);
            second = p.narrow(1, 1, t - 1);
        }
        else if (Condition.Kind == ConditionKind.Pairs)
        {
            first = p.narrow(1, 0, t).view(n, t / 2, 2, -1).select(2, 0);
            second = p.narrow(1, 0, t).view(n, t / 2, 2, -1).select(2, 1);
        }
        else return;
        var k1 = first.argmax(2, keepdim: true);                                       // N x P x 1
        var k2 = second.argmax(2, keepdim: true);
        pairs += k1.numel();
        changed += k1.ne(k2).sum().item<long>();
        absoluteChange += (first.gather(2, k1) - second.gather(2, k1)).abs().sum().item<double>();
        firstCorrect += k1.squeeze(2).eq(y.unsqueeze(1)).sum().item<long>();
        if (Condition.Kind != ConditionKind.Sequence) return;

        var py = p.gather(2, y.view(n, 1, 1).expand(n, t, 1)).squeeze(2);                // N x T
        var right = top.eq(y.unsqueeze(1)).to_type(ScalarType.Float64);                  // N x T
        pTrue ??= new double[t];
        correct ??= new double[t];
        var pySum = py.sum([0]).data<double>().ToArray();
        var rightSum = right.sum([0]).data<double>().ToArray();
        for (int i = 0; i < t; i++) { pTrue[i] += pySum[i]; correct[i] += rightSum[i]; }
        var top5 = p.topk(Math.Min(5, (int)p.shape[2]), 2).indexes;                     // N x T x 5
        var inTop5 = top5.eq(y.view(n, 1, 1)).any(2);                                     // N x T
        jagged += inTop5.narrow(1, 0, t - 1).ne(inTop5.narrow(1, 1, t - 1)).sum().item<long>();
        var pyRows = py.to_type(ScalarType.Float32).data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            rows.Add(pyRows.AsSpan(i * (int)t, (int)t).ToArray());
            rowImages.Add(firstIndex + i);
        }
    }

    public ShiftMeasurement Result(string model, int antialias)
    {
        double Fraction(double count, long of) => of == 0 ? double.NaN : count / of;
        bool sequence = Condition.Kind == ConditionKind.Sequence;
        double pChange = Fraction(changed, pairs);
        return new ShiftMeasurement(model, antialias, Condition.Label, Condition.Kind.ToString().ToLowerInvariant(), Condition.Scale, Condition.EmbedSide,
            Condition.Boundary, Condition.Background, Condition.Parameters, images, pairs,
            Condition.Kind == ConditionKind.Grid ? double.NaN : pChange,
            Condition.Kind == ConditionKind.Grid ? double.NaN : Fraction(absoluteChange, pairs),
            Condition.Kind == ConditionKind.Grid ? double.NaN : Fraction(firstCorrect, pairs),
            Condition.Kind == ConditionKind.Pairs ? 1 - pChange : null,
            Fraction(notConstant, images), Condition.Views,
            sequence ? Fraction(jagged, images) : null,
            sequence ? Condition.Offsets : [],
            sequence && pTrue is not null ? pTrue.Select(v => v / images).ToArray() : [],
            sequence && correct is not null ? correct.Select(v => v / images).ToArray() : [],
            sequence ? rows : [], sequence ? rowImages : []);
    }
}
