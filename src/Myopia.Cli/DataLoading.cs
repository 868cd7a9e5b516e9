using Myopia.Cli.Terminal;
using Myopia.Data;

namespace Myopia.Cli;

/// <summary>Loads a dataset for a command, with a status line on stderr and optional size limits.</summary>
public static class DataLoading
{
    public static DatasetSplits Load(string name, string? dataDir, int? trainLimit = null, int? testLimit = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var splits = DatasetCatalog.Load(name, dataDir, message => Console.Error.WriteLine(message));
        if (trainLimit is { } tl && tl < splits.Train.Count || testLimit is { } sl && sl < splits.Test.Count)
        {
            var limited = new DatasetSplits(
                trainLimit is { } a && a < splits.Train.Count ? splits.Train.Take(a) : splits.Train,
                testLimit is { } b && b < splits.Test.Count ? splits.Test.Take(b) : splits.Test,
                splits.Normalization) { SkippedImages = splits.SkippedImages, Pipeline = splits.Pipeline };
            if (!ReferenceEquals(limited.Train, splits.Train)) splits.Train.Dispose();
            if (!ReferenceEquals(limited.Test, splits.Test)) splits.Test.Dispose();
            splits = limited;
        }
        Console.Error.WriteLine(
            $"{name}: {splits.Train.Count:N0} train / {splits.Test.Count:N0} test images, {splits.Train.Channels}x{splits.Train.Height}x{splits.Train.Width}, " +
            $"{splits.Train.ClassCount} classes{(splits.Train.IsStreamed || splits.Test.IsStreamed ? ", streamed from the files" : "")}" +
            $"{(splits.SkippedImages.Count > 0 ? $", {splits.SkippedImages.Count:N0} undecodable files skipped" : "")} ({clock.Elapsed.TotalSeconds:F1} s)");
        return splits;
    }

    /// <summary>Lists the files the dataset skipped in the run folder (skipped-images.tsv) and says so.</summary>
    public static void RecordSkipped(DatasetSplits splits, string folder)
    {
        if (Myopia.IO.SkippedImagesFile.Write(folder, splits.SkippedImages) is { } path)
            Console.Error.WriteLine($"{splits.SkippedImages.Count:N0} undecodable files were skipped; listed in {path}");
    }
}
