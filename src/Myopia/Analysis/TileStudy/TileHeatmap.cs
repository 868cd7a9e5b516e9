using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <summary>Whose evidence a heatmap shows: the full-image prediction, the true label, or a fixed class.</summary>
public enum HeatmapTarget { Predicted, Label, Class }

public sealed record TileHeatmapOptions(int Tile, int Stride = 1, HeatmapTarget Target = HeatmapTarget.Predicted, int? Class = null, int PatchBatch = 1024);

/// <summary>
/// The maps of one image. All are H x W, row-major. <see cref="MaskedLogit"/>: the max logit of the
/// pixel's tile where its argmax is the class of interest, 0 elsewhere; <see cref="Probability"/>:
/// softmax probability of the class of interest; <see cref="ClassMap"/>: the tile's argmax class.
/// </summary>
public sealed record ImageHeatmap(int Index, int Label, int FullPrediction, int ClassOfInterest, int Height, int Width,
    float[] MaxLogit, float[] MaskedLogit, float[] Probability, float[] ClassLogit, int[] ClassMap);

public sealed record TileHeatmapResult(TileHeatmapOptions Options, string Mode, IReadOnlyList<string> ClassNames, List<ImageHeatmap> Images, double TilesPerSecond);

/// <summary>
/// Tile heatmaps of the tile study: one T x T tile centred on every pixel (zero padding applied
/// after normalization, i.e. the mean colour; even T pads T/2 before and T/2-1 after, odd T pads
/// (T-1)/2 on each side), all tiles batched through the network in eval mode. With a stride s the
/// map is computed on every s-th pixel and upsampled (bilinear values, nearest classes).
/// </summary>
public sealed class TileHeatmap(nn.Module<Tensor, Tensor> model, Normalization normalization, TileHeatmapOptions options)
{
    public TileHeatmapResult Compute(ImageDataset images, Action<long, long>? progress = null)
    {
        if (options.Tile < 1) throw new MyopiaException($"tile must be positive, got {options.Tile}");
        if (options.Stride < 1) throw new MyopiaException($"stride must be >= 1, got {options.Stride}");
        var results = new List<ImageHeatmap>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long tiles = 0;
        using (new EvalModeScope(model))
        {
            using var normalizer = new Normalizer(normalization);
            for (int i = 0; i < images.Count; i++)
            {
                using var scope = NewDisposeScope();
                var x = normalizer.FromBytes(images.Images.narrow(0, i, 1));
                var full = model.call(x);
                var logits = PatchLogits.Compute(model, x, options.Tile, options.Stride, options.PatchBatch, PatchLogits.PerPixelPadding(options.Tile))[0]; // Ph x Pw x K
                tiles += logits.shape[0] * logits.shape[1];
                results.Add(Maps(i, (int)images.Labels[i].item<long>(), (int)full.argmax(1).item<long>(), logits, images.Height, images.Width));
                progress?.Invoke(i + 1, images.Count);
            }
        }
        return new TileHeatmapResult(options, "exact", images.ClassNames, results, tiles / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }

    /// <summary>
    /// The dense approximation for models with global average pooling: one forward pass of the
    /// whole image, per-position logits before pooling (BagNet style), upsampled to the image.
    /// </summary>
    public TileHeatmapResult ComputeDense(ImageDataset images)
    {
        if (model is not ISpatialClassifier spatial)
            throw new MyopiaException("dense heatmaps need a model with global average pooling and a linear head (smallcnn, resnet18/34, vgg*); use the exact mode");
        var results = new List<ImageHeatmap>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (new EvalModeScope(model))
        {
            using var normalizer = new Normalizer(normalization);
            for (int i = 0; i < images.Count; i++)
            {
                using var scope = NewDisposeScope();
                var x = normalizer.FromBytes(images.Images.narrow(0, i, 1));
                var full = model.call(x);
                var map = spatial.SpatialLogits(x); // 1 x K x h x w
                var upsampled = nn.functional.interpolate(map, [images.Height, images.Width], mode: InterpolationMode.Bilinear, align_corners: false);
                var logits = upsampled[0].permute(1, 2, 0); // H x W x K
                results.Add(Maps(i, (int)images.Labels[i].item<long>(), (int)full.argmax(1).item<long>(), logits, images.Height, images.Width, upsample: false));
            }
        }
        return new TileHeatmapResult(options, "dense", images.ClassNames, results, (double)images.Count * images.Height * images.Width / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
    }

    private ImageHeatmap Maps(int index, int label, int prediction, Tensor logits, int height, int width, bool upsample = true)
    {
        int target = options.Target switch
        {
            HeatmapTarget.Predicted => prediction,
            HeatmapTarget.Label => label,
            _ => options.Class ?? throw new MyopiaException("--target class needs --class"),
        };
        if (target < 0 || target >= logits.shape[2]) throw new MyopiaException($"class {target} is out of range (0-{logits.shape[2] - 1})");
        var values = logits.permute(2, 0, 1).unsqueeze(0); // 1 x K x Ph x Pw
        bool resize = upsample && (values.shape[2] != height || values.shape[3] != width);
        var probabilities = values.softmax(1);
        var classes = values.argmax(1, keepdim: true).to_type(ScalarType.Float32);
        if (resize)
        {
            values = nn.functional.interpolate(values, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
            probabilities = nn.functional.interpolate(probabilities, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
            classes = nn.functional.interpolate(classes, [height, width], mode: InterpolationMode.Nearest);
        }
        var maxLogit = values.max(1).values[0];
        var classMap = classes[0, 0].to_type(ScalarType.Int32);
        var masked = where(classMap.eq(target), maxLogit, zeros_like(maxLogit));
        return new ImageHeatmap(index, label, prediction, target, height, width,
            maxLogit.data<float>().ToArray(), masked.data<float>().ToArray(),
            probabilities[0, target].contiguous().data<float>().ToArray(), values[0, target].contiguous().data<float>().ToArray(),
            classMap.contiguous().data<int>().ToArray());
    }

    /// <summary>How far a dense map agrees with the exact one: equal argmax class, and Pearson correlation of the class-of-interest logit.</summary>
    public static (double ClassAgreement, double LogitCorrelation) Agreement(TileHeatmapResult exact, TileHeatmapResult dense)
    {
        double agree = 0, corr = 0;
        for (int i = 0; i < exact.Images.Count; i++)
        {
            var a = exact.Images[i];
            var b = dense.Images[i];
            agree += a.ClassMap.Zip(b.ClassMap).Count(p => p.First == p.Second) / (double)a.ClassMap.Length;
            corr += Pearson(a.ClassLogit, b.ClassLogit);
        }
        return (agree / exact.Images.Count, corr / exact.Images.Count);
    }

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
