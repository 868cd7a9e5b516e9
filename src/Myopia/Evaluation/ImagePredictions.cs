using static TorchSharp.torch;

namespace Myopia.Evaluation;

/// <summary>
/// Every test image's outcome, for a user's own analysis: its index in the test split (also when a
/// subset was evaluated), true
/// label, predicted class and the K logits (row-major N x K).
/// </summary>
public sealed record ImagePredictions(long[] Index, int[] Label, int[] Prediction, int Classes, float[] Logits);

/// <summary>Collects <see cref="ImagePredictions"/> chunk by chunk.</summary>
internal sealed class PredictionRecorder(Data.ImageDataset data)
{
    private readonly int classes = data.ClassCount;
    private readonly long[] index = new long[data.Count];
    private readonly int[] label = new int[data.Count];
    private readonly int[] prediction = new int[data.Count];
    private readonly float[] logits = new float[(long)data.Count * data.ClassCount];

    public void Add(long start, Tensor chunkLogits, Tensor chunkLabels)
    {
        using var cpuLogits = chunkLogits.detach().to(CPU).to_type(ScalarType.Float32).contiguous();
        using var cpuLabels = chunkLabels.to(CPU);
        using var argmax = cpuLogits.argmax(1);
        var values = cpuLogits.data<float>().ToArray();
        var labels = cpuLabels.data<long>().ToArray();
        var predicted = argmax.data<long>().ToArray();
        values.CopyTo(logits, start * classes);
        for (int i = 0; i < labels.Length; i++)
        {
            index[start + i] = data.IndexInSplit(start + i);
            label[start + i] = (int)labels[i];
            prediction[start + i] = (int)predicted[i];
        }
    }

    public ImagePredictions Result() => new(index, label, prediction, classes, logits);
}
