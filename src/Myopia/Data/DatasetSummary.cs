using static TorchSharp.torch;

namespace Myopia.Data;

/// <summary>Counts, sizes and statistics of one split.</summary>
public sealed record SplitSummary(int Count, long Bytes, long[] PerClass);

/// <summary>
/// What <c>myopia data inspect</c> reports about a loaded dataset: where it came from, its shape,
/// per-split and per-class counts, and the per-channel statistics of the train split (with the
/// published constants beside them when the catalog knows them).
/// </summary>
public sealed record DatasetSummary(
    string Name, string Format, string Source, bool FromCache,
    int Classes, IReadOnlyList<string> ClassNames, IReadOnlyList<string>? ClassWords, int Channels, int Height, int Width,
    SplitSummary Train, SplitSummary Test,
    float[] Mean, float[] Std, float[]? PublishedMean, float[]? PublishedStd)
{
    public static DatasetSummary Of(LoadedDataset loaded, DatasetInfo? info = null)
    {
        var (train, test) = (loaded.Splits.Train, loaded.Splits.Test);
        return new DatasetSummary(loaded.Name, loaded.Format, loaded.Source, loaded.FromCache,
            train.ClassCount, train.ClassNames, train.ClassWords, train.Channels, train.Height, train.Width,
            Split(train), Split(test),
            loaded.Splits.Normalization.Mean, loaded.Splits.Normalization.Std,
            info?.PublishedNormalization?.Mean, info?.PublishedNormalization?.Std);
    }

    private static SplitSummary Split(ImageDataset data)
    {
        long[] perClass;
        if (data.Count == 0) perClass = new long[data.ClassCount];
        else
        {
            using var counts = data.Labels.bincount(null, data.ClassCount);
            perClass = counts.data<long>().ToArray();
        }
        return new SplitSummary(data.Count, (long)data.Count * data.Channels * data.Height * data.Width, perClass);
    }
}
