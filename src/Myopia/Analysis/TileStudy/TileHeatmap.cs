using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <summary>Whose evidence a heatmap shows: the full-image prediction, the true label, or a fixed class.</summary>
public enum HeatmapTarget { Predicted, Label, Class }

/// <summary>Exact: one forward pass per tile. Dense: per-position logits of one pass over the whole image (global-pooling models only).</summary>
public enum HeatmapMode { Exact, Dense }

public sealed record TileHeatmapOptions(int Tile, int Stride = 1, HeatmapTarget Target = HeatmapTarget.Predicted, int? Class = null, int PatchBatch = 1024,
    HeatmapMode Mode = HeatmapMode.Exact);

/// <summary>
/// The maps of one image. All are H x W, row-major. <see cref="MaskedLogit"/>: the max logit of the
/// pixel's tile where its argmax is the class of interest, 0 elsewhere; <see cref="Probability"/>:
/// softmax probability of the class of interest; <see cref="ClassMap"/>: the tile's argmax class.
/// </summary>
public sealed record ImageHeatmap(int Index, int Label, int FullPrediction, int ClassOfInterest, int Height, int Width,
    float[] MaxLogit, float[] MaskedLogit, float[] Probability, float[] ClassLogit, int[] ClassMap);

/// <param name="Images">Every image's maps; empty when they were streamed to <see cref="TileHeatmap.Sink"/>.</param>
/// <param name="TilesPerSecond">Tiles per second in exact mode, pixels per second in dense mode.</param>
public sealed record TileHeatmapResult(TileHeatmapOptions Options, string Mode, IReadOnlyList<string> ClassNames, List<ImageHeatmap> Images, double TilesPerSecond)
    : IAnalysisResult
{
    /// <summary>How many images were mapped, when their maps went to a sink instead of <see cref="Images"/>.</summary>
    public int? Streamed { get; init; }

    /// <summary>How many images were mapped, kept or streamed.</summary>
    public int ImageCount => Streamed ?? Images.Count;

    public IReadOnlyDictionary<string, object> Headline() => new Dictionary<string, object>
    {
        ["mode"] = Mode,
        ["tile"] = Options.Tile,
        ["stride"] = Options.Stride,
        ["images"] = ImageCount,
        [Mode == "dense" ? "pixels_per_second" : "tiles_per_second"] = TilesPerSecond,
    };
}

/// <summary>
/// Tile heatmaps of the tile study: one T x T tile centred on every pixel (zero padding applied
/// after normalization, i.e. the mean colour; even T pads T/2 before and T/2-1 after, odd T pads
/// (T-1)/2 on each side), all tiles batched through the network in eval mode. With a stride s the
/// tiles centred on pixels (i s, j s) are computed and the maps interpolated between them
/// (bilinear for values, nearest for classes), so a coarse sample sits exactly on its pixel.
/// </summary>
public sealed class TileHeatmap(Classifier classifier, TileHeatmapOptions options) : IAnalysis<TileHeatmapResult>
{
    /// <summary>
    /// When set, each image's maps are handed here as soon as its chunk is computed and the result
    /// keeps none of them (<see cref="TileHeatmapResult.Images"/> empty): memory stays bounded by one
    /// chunk however many images are mapped. Writers and running statistics take the maps from here.
    /// </summary>
    public Action<ImageHeatmap>? Sink { get; init; }

    public TileHeatmapResult Run(ImageDataset images, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default) =>
        options.Mode == HeatmapMode.Dense ? Dense(images, progress, cancellation) : Exact(images, progress, cancellation);

    private TileHeatmapResult Exact(ImageDataset images, IProgress<AnalysisProgress>? progress, CancellationToken cancellation)
    {
        if (options.Tile < 1) throw new MyopiaException($"tile must be positive, got {options.Tile}");
        if (options.Stride < 1) throw new MyopiaException($"stride must be >= 1, got {options.Stride}");
        if (options.Tile > images.Height || options.Tile > images.Width)
            throw new MyopiaException($"tile {options.Tile}x{options.Tile} is larger than the {images.Height}x{images.Width} images");
        classifier.CheckInputSide(options.Tile, options.Tile, "tile");
        int s = options.Stride, h = images.Height, w = images.Width;
        // Enough coarse samples that the last one reaches the last pixel; the extra tiles (centred
        // past the border) need extra zero padding below and to the right.
        int rows = (h - 1 + s - 1) / s + 1, columns = (w - 1 + s - 1) / s + 1;
        var (top, bottom, left, right) = PatchLogits.PerPixelPadding(options.Tile);
        var padding = (top, bottom + s * (rows - 1) - (h - 1), left, right + s * (columns - 1) - (w - 1));
        int imagesPerChunk = Math.Max(1, options.PatchBatch * 4 / (rows * columns));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = MapChunks(images, imagesPerChunk, s, x => PatchLogits.Compute(classifier.Logits, x, options.Tile, s, options.PatchBatch, padding),
            $"exact heatmaps T={options.Tile}", progress, cancellation);
        long tiles = (long)images.Count * rows * columns;
        return new TileHeatmapResult(options, "exact", images.ClassNames, results, tiles / Math.Max(1e-9, clock.Elapsed.TotalSeconds)) { Streamed = Streamed(images) };
    }

    /// <summary>
    /// The dense approximation for models with global average pooling: one forward pass of the
    /// whole image, per-position logits before pooling (BagNet style), upsampled to the image.
    /// </summary>
    private TileHeatmapResult Dense(ImageDataset images, IProgress<AnalysisProgress>? progress, CancellationToken cancellation)
    {
        if (options.Tile < 1) throw new MyopiaException($"tile must be positive, got {options.Tile}");
        if (classifier.Spatial is not { } spatial)
            throw new MyopiaException($"dense heatmaps need a model with global average pooling and a linear head (smallcnn, resnet18/34/50, GAP vgg*), not {classifier.Label}; use the exact mode");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The upsampled logits are K values per pixel: 64 CIFAR images at a time, one 256 x 256 image.
        int imagesPerChunk = Math.Max(1, 65_536 / (images.Height * images.Width));
        var results = MapChunks(images, imagesPerChunk, 1, x =>
        {
            var map = classifier.Forward(spatial.SpatialLogits, x); // n x K x h x w
            var upsampled = nn.functional.interpolate(map, [images.Height, images.Width], mode: InterpolationMode.Bilinear, align_corners: false);
            return upsampled.permute(0, 2, 3, 1); // n x H x W x K
        }, "dense heatmaps", progress, cancellation);
        return new TileHeatmapResult(options, "dense", images.ClassNames, results, (double)images.Count * images.Height * images.Width / Math.Max(1e-9, clock.Elapsed.TotalSeconds))
        {
            Streamed = Streamed(images),
        };
    }

    private int? Streamed(ImageDataset images) => Sink is null ? null : (int)images.Count;

    // Both modes: normalize a chunk of images, take the full-image prediction, compute the chunk's
    // n x rows x columns x K logit grid (sampled every `stride` pixels), and turn each image's grid into maps.
    private List<ImageHeatmap> MapChunks(ImageDataset images, int imagesPerChunk, int stride, Func<Tensor, Tensor> logitGrid,
        string stage, IProgress<AnalysisProgress>? progress, CancellationToken cancellation)
    {
        CheckTarget(images.ClassCount);
        Evaluation.FullImageEvaluator.CheckClasses(classifier, images);
        var results = new List<ImageHeatmap>();
        BatchedInference.Run(classifier, images, imagesPerChunk, stage, chunk =>
        {
            var predictions = classifier.Logits(chunk.Images).argmax(1).cpu().data<long>().ToArray();
            var labels = chunk.Labels.cpu().data<long>().ToArray();
            var logits = logitGrid(chunk.Images).cpu();
            for (int i = 0; i < chunk.Count; i++)
            {
                var maps = Maps((int)chunk.Start + i, (int)labels[i], (int)predictions[i], logits[i], images.Height, images.Width, stride);
                if (Sink is { } sink) sink(maps);
                else results.Add(maps);
            }
        }, progress, cancellation);
        return results;
    }

    private void CheckTarget(int classes)
    {
        if (options.Target == HeatmapTarget.Class && options.Class is null)
            throw new MyopiaException("--target class needs --class");
        if (options.Class is { } c && (c < 0 || c >= classes))
            throw new MyopiaException($"class {c} is out of range (0-{classes - 1})");
    }

    /// <summary>The maps of one image from its rows x columns x K logits, sampled every <paramref name="stride"/> pixels.</summary>
    private ImageHeatmap Maps(int index, int label, int prediction, Tensor logits, int height, int width, int stride)
    {
        int target = options.Target switch
        {
            HeatmapTarget.Predicted => prediction,
            HeatmapTarget.Label => label,
            _ => options.Class!.Value,
        };
        var maxLogit = logits.max(2).values;
        var classes = logits.argmax(2);
        var classLogit = logits.select(2, target);
        var probability = logits.softmax(2).select(2, target);
        if (stride > 1)
        {
            maxLogit = Interpolate(maxLogit, stride, height, width);
            classLogit = Interpolate(classLogit, stride, height, width);
            probability = Interpolate(probability, stride, height, width);
            classes = classes.index_select(0, NearestSample(height, stride)).index_select(1, NearestSample(width, stride));
        }
        var classMap = classes.to_type(ScalarType.Int32);
        var masked = where(classMap.eq(target), maxLogit, zeros_like(maxLogit));
        static float[] Floats(Tensor t) => t.contiguous().data<float>().ToArray();
        return new ImageHeatmap(index, label, prediction, target, height, width,
            Floats(maxLogit), Floats(masked), Floats(probability), Floats(classLogit), classMap.contiguous().data<int>().ToArray());
    }

    /// <summary>Bilinear between samples at pixels 0, s, 2s, ...: pixel y reads the coarse map at y / s.</summary>
    private static Tensor Interpolate(Tensor coarse, int stride, int height, int width)
    {
        long rows = coarse.shape[0], columns = coarse.shape[1];
        var fine = nn.functional.interpolate(coarse.unsqueeze(0).unsqueeze(0), [stride * (rows - 1) + 1, stride * (columns - 1) + 1],
            mode: InterpolationMode.Bilinear, align_corners: true);
        return fine[0, 0].narrow(0, 0, height).narrow(1, 0, width);
    }

    /// <summary>For each of <paramref name="length"/> pixels, the index of the nearest sample (round(y / s)).</summary>
    private static Tensor NearestSample(int length, int stride) =>
        tensor(Enumerable.Range(0, length).Select(y => (long)((y + stride / 2) / stride)).ToArray());

    /// <summary>How far a dense map agrees with the exact one: equal argmax class, and Pearson correlation of the class-of-interest logit.</summary>
    public static (double ClassAgreement, double LogitCorrelation) Agreement(TileHeatmapResult exact, TileHeatmapResult dense)
    {
        var tally = new HeatmapAgreement();
        for (int i = 0; i < exact.Images.Count; i++) tally.Add(exact.Images[i], dense.Images[i]);
        return tally.Result;
    }
}

/// <summary>
/// How far dense maps agree with exact ones, accumulated image by image (so streamed maps need not be
/// kept): the share of pixels with the same argmax class, and the Pearson correlation of the
/// class-of-interest logit, each averaged over images.
/// </summary>
public sealed class HeatmapAgreement
{
    private double agree, correlation;
    private int images;

    public void Add(ImageHeatmap exact, ImageHeatmap dense)
    {
        if (exact.ClassMap.Length != dense.ClassMap.Length) throw new ArgumentException("the exact and dense maps differ in size");
        agree += exact.ClassMap.Zip(dense.ClassMap).Count(p => p.First == p.Second) / (double)exact.ClassMap.Length;
        correlation += Pearson(exact.ClassLogit, dense.ClassLogit);
        images++;
    }

    public (double ClassAgreement, double LogitCorrelation) Result => (agree / images, correlation / images);

    private static double Pearson(float[] x, float[] y)
    {
        double mx = x.Average(v => (double)v), my = y.Average(v => (double)v), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }
}
