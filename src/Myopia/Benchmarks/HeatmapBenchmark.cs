using System.Diagnostics;
using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Benchmarks;

public sealed record HeatmapBenchmarkOptions(string Model = "smallcnn", int Tile = 8, int ImageSide = 32, int Images = 4, int LoopTiles = 256, int PatchBatch = 1024);

/// <summary>Tiles per second of the batched exact heatmap, of a one-tile-at-a-time loop, and the dense map's speed-up.</summary>
public sealed record HeatmapBenchmarkResult(HeatmapBenchmarkOptions Options, int Threads, double BatchedTilesPerSecond, double LoopTilesPerSecond,
    double BatchedSpeedup, double DenseImagesPerSecond, double ExactImagesPerSecond, double DenseSpeedup);

/// <summary>
/// Times the three ways to get a tile heatmap, on random images and an untrained network (speed
/// does not depend on the weights). Timing covers only the model work, after one warm-up.
/// </summary>
public sealed class HeatmapBenchmark(HeatmapBenchmarkOptions options)
{
    public HeatmapBenchmarkResult Run()
    {
        manual_seed(0);
        using var model = ModelRegistry.Create(options.Model, 10);
        model.eval();
        var pixels = randint(0, 256, [options.Images, 3, options.ImageSide, options.ImageSide], dtype: ScalarType.Byte);
        using var images = new ImageDataset("random", pixels, zeros(options.Images, dtype: ScalarType.Int64), Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray());
        var norm = new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);
        using var classifier = Classifier.FromModule(model, norm, images.ClassNames, options.ImageSide, options.ImageSide, architecture: options.Model);
        var heatmapOptions = new TileHeatmapOptions(options.Tile, PatchBatch: options.PatchBatch);
        var heatmap = new TileHeatmap(classifier, heatmapOptions);
        var denseHeatmap = new TileHeatmap(classifier, heatmapOptions with { Mode = HeatmapMode.Dense });

        using (var one = images.Take(1)) heatmap.Run(one); // warm-up
        var clock = Stopwatch.StartNew();
        var exact = heatmap.Run(images);
        double exactSeconds = clock.Elapsed.TotalSeconds;

        double loopRate;
        using (no_grad())
        {
            using var x = (images.Images.narrow(0, 0, 1).to_type(ScalarType.Float32) / 255f - 0.5f) / 0.25f;
            using var padded = nn.functional.pad(x, [options.Tile / 2, options.Tile / 2, options.Tile / 2, options.Tile / 2]);
            int side = options.ImageSide;
            clock.Restart();
            for (int k = 0; k < options.LoopTiles; k++)
            {
                using var tile = padded.narrow(2, k / side % side, options.Tile).narrow(3, k % side, options.Tile);
                using var logits = model.call(tile);
            }
            loopRate = options.LoopTiles / clock.Elapsed.TotalSeconds;
        }

        bool dense = model is ISpatialClassifier;
        double denseRate = double.NaN;
        if (dense)
        {
            denseHeatmap.Run(images); // warm-up
            clock.Restart();
            denseHeatmap.Run(images);
            denseRate = options.Images / clock.Elapsed.TotalSeconds;
        }
        double exactImages = options.Images / exactSeconds;
        return new HeatmapBenchmarkResult(options, get_num_threads(), exact.TilesPerSecond, loopRate, exact.TilesPerSecond / loopRate,
            denseRate, exactImages, denseRate / exactImages);
    }
}
