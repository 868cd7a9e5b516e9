using Myopia.Analysis;
using Myopia.Data;
using Myopia.Evaluation;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.Core;

/// <summary>The one inference loop: chunks, progress, cancellation, and the checks every analysis inherits.</summary>
public class BatchedInferenceTests
{
    private static ImageDataset Random(int n, int channels = 3) =>
        new("random", randint(0, 256, [n, channels, 12, 12], dtype: ScalarType.Byte), randint(0, 3, [n], dtype: ScalarType.Int64), ["a", "b", "c"]);

    [Fact]
    public void ChunksCoverEveryImageOnceInOrderWithProgressUpToTheTotal()
    {
        using var model = ModelRegistry.Create("smallcnn", 3);
        using var data = Random(10);
        using var classifier = TestClassifiers.Of(model, new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]), data.ClassNames);
        var starts = new List<(long Start, long Count)>();
        var reports = new List<AnalysisProgress>();
        BatchedInference.Run(classifier, data, 4, "stage", c => starts.Add((c.Start, c.Count)), new SyncProgress(reports.Add));
        Assert.Equal([(0L, 4L), (4L, 4L), (8L, 2L)], starts);
        Assert.Equal([0L, 4L, 8L, 10L], reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(10, r.Total));
    }

    [Fact]
    public void CancellationStopsBetweenChunksAndRestoresTheModelsMode()
    {
        using var model = ModelRegistry.Create("smallcnn", 3);
        model.train();
        using var data = Random(10);
        using var classifier = TestClassifiers.Of(model, Normalization.Identity(3), data.ClassNames);
        using var cancel = new CancellationTokenSource();
        int chunks = 0;
        Assert.Throws<OperationCanceledException>(() =>
            BatchedInference.Run(classifier, data, 3, "stage", _ => { chunks++; if (chunks == 2) cancel.Cancel(); }, cancellation: cancel.Token));
        Assert.Equal(2, chunks);
        Assert.True(model.training);
    }

    [Fact]
    public void WrongChannelsAndWrongClassCountsAreOneClearError()
    {
        using var model = ModelRegistry.Create("smallcnn", 3);
        using var gray = Random(2, channels: 1);
        using var classifier = TestClassifiers.Of(model, Normalization.Identity(3), ["a", "b", "c"]);
        Assert.Contains("3-channel images", Assert.Throws<MyopiaException>(() => new FullImageEvaluator(classifier).Run(gray)).Message);
        using var fourClasses = new ImageDataset("four", randint(0, 256, [2, 3, 12, 12], dtype: ScalarType.Byte), zeros(2, dtype: ScalarType.Int64), ["a", "b", "c", "d"]);
        Assert.Contains("3 outputs but four has 4 classes", Assert.Throws<MyopiaException>(() => new FullImageEvaluator(classifier).Run(fourClasses)).Message);
    }

    [Fact]
    public void KeptPredictionsAreEachImagesLabelArgmaxAndLogits()
    {
        manual_seed(9);
        using var model = ModelRegistry.Create("smallcnn", 3);
        using var data = Random(7);
        using var classifier = TestClassifiers.Of(model, Normalization.Identity(3), data.ClassNames);
        var result = new FullImageEvaluator(classifier, new FullImageOptions(Batch: 3, KeepPredictions: true)).Run(data);
        var p = result.Predictions!;
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long)i), p.Index);
        Assert.Equal(data.Labels.data<long>().ToArray().Select(l => (int)l), p.Label);
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(data.Images.to_type(ScalarType.Float32) / 255f);
        Assert.Equal(logits.argmax(1).data<long>().ToArray().Select(v => (int)v), p.Prediction);
        var expected = logits.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p.Logits[i], 5);
        Assert.Equal(p.Prediction.Zip(p.Label).Count(t => t.First == t.Second) / 7.0, result.Top1, 9);
    }

    [Fact]
    public void PredictionsOfASubsetNameEachImagesIndexInTheWholeSplit()
    {
        using var model = ModelRegistry.Create("smallcnn", 3);
        using var all = Random(12);
        using var subset = all.Take(5);
        using var classifier = TestClassifiers.Of(model, Normalization.Identity(3), all.ClassNames);
        var p = new FullImageEvaluator(classifier, new FullImageOptions(KeepPredictions: true)).Run(subset).Predictions!;
        Assert.Equal(subset.SourceIndex, p.Index);
        Assert.Equal(5, p.Index.Distinct().Count());
        Assert.True(p.Index.Any(i => i >= 5), "a random subset of 5 out of 12 that is exactly the first 5 would not test the mapping");
        var labels = all.Labels.data<long>().ToArray();
        Assert.Equal(p.Index.Select(i => (int)labels[i]), p.Label);
        using var subsetOfSubset = subset.Take(2);
        Assert.All(subsetOfSubset.SourceIndex!, i => Assert.Contains(i, subset.SourceIndex!));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a thread pool).</summary>
    private sealed class SyncProgress(Action<AnalysisProgress> report) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value) => report(value);
    }
}
