using static TorchSharp.torch;

namespace Myopia.Evaluation;

/// <summary>Accumulates loss, top-k hits and the confusion matrix over batches of logits.</summary>
public sealed class ClassificationTally(int classes)
{
    private readonly long[,] confusion = new long[classes, classes];
    private double lossSum;
    private long top1, top5, count;

    public void Add(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var loss = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum);
        lossSum += loss.to_type(ScalarType.Float64).item<double>();
        int k = Math.Min(5, classes);
        var topk = logits.topk(k, dim: 1).indexes;
        var hits = topk.eq(labels.unsqueeze(1));
        top1 += hits.narrow(1, 0, 1).sum().item<long>();
        top5 += hits.sum().item<long>();
        var predicted = topk.select(1, 0).cpu().data<long>().ToArray();
        var truth = labels.cpu().data<long>().ToArray();
        for (int i = 0; i < truth.Length; i++)
            confusion[truth[i], predicted[i]]++;
        count += truth.Length;
    }

    public long Count => count;

    public EvaluationResult Result(string mode, IReadOnlyList<string> classNames, double imagesPerSecond)
    {
        var matrix = new int[classes][];
        var perClass = new double[classes];
        for (int t = 0; t < classes; t++)
        {
            matrix[t] = new int[classes];
            long rowTotal = 0;
            for (int p = 0; p < classes; p++)
            {
                matrix[t][p] = (int)confusion[t, p];
                rowTotal += confusion[t, p];
            }
            perClass[t] = rowTotal == 0 ? double.NaN : (double)confusion[t, t] / rowTotal;
        }
        double n = Math.Max(1, count);
        return new EvaluationResult(mode, (int)count, lossSum / n, top1 / n, top5 / n, perClass, matrix, classNames, imagesPerSecond);
    }
}
