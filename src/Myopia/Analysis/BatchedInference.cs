using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Analysis;

/// <summary>One chunk of a dataset on its way through a network: normalized images and labels on the classifier's device.</summary>
/// <param name="Start">Index of the chunk's first image in the dataset.</param>
public readonly record struct InferenceChunk(long Start, long Count, Tensor Images, Tensor Labels);

/// <summary>
/// The one inference loop every analysis shares: a dataset in chunks of images, each normalized on
/// the classifier's device, run in eval mode without gradients inside its own dispose scope (so memory
/// stays bounded by one chunk), with progress after each chunk and cancellation between chunks.
/// The model's training mode is restored afterwards.
/// </summary>
public static class BatchedInference
{
    public static void Run(Classifier classifier, ImageDataset data, int imagesPerChunk, string stage, Action<InferenceChunk> body,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (imagesPerChunk < 1) throw new MyopiaException($"batch must be at least 1, got {imagesPerChunk}");
        if (data.Channels != classifier.Preprocessing.Channels)
            throw new MyopiaException($"{classifier.Label} takes {classifier.Preprocessing.Channels}-channel images but {data.Name} has {data.Channels}");
        classifier.CheckInputSide(data.Height, data.Width, $"the image side of {data.Name} ({data.Height}x{data.Width}),");
        progress?.Report(new AnalysisProgress(stage, 0, data.Count));
        using var eval = classifier.EvalMode();
        for (long start = 0; start < data.Count; start += imagesPerChunk)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long n = Math.Min(imagesPerChunk, data.Count - start);
            var pixels = data.Read(start, n);
            // A streamed split decodes the next chunk while the network works on this one.
            data.Prefetch(start + n, Math.Min(imagesPerChunk, data.Count - start - n));
            var images = classifier.Normalize(pixels);
            var labels = data.Labels.narrow(0, start, n).to(classifier.Device);
            try
            {
                body(new InferenceChunk(start, n, images, labels));
            }
            catch (System.Runtime.InteropServices.ExternalException e) when (classifier.Card.Format == ModelFormat.TorchScript)
            {
                // A scripted model says nothing of the inputs it takes: its own error, in one line.
                throw new MyopiaException($"{classifier.Label} failed on {stage} ({data.Height}x{data.Width} images): {FirstLine(e.Message)}");
            }
            progress?.Report(new AnalysisProgress(stage, start + n, data.Count));
        }
    }

    private static string FirstLine(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? message;
}
