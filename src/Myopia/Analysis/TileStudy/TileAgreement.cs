using System.Globalization;
using Myopia.Classifiers;
using Myopia.Data;
using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <param name="Tiles">Tile sides T to measure, each at most the image side.</param>
/// <param name="Stride">Step between tiles.</param>
/// <param name="PatchBatch">Tiles per forward pass; bounds memory.</param>
/// <param name="BatchImages">When given, replaces <paramref name="PatchBatch"/> per tile size: each pass holds this many full images' worth of tile pixels.</param>
public sealed record TileAgreementOptions(IReadOnlyList<int> Tiles, int Stride = 1, int PatchBatch = 1024, int? BatchImages = null);

/// <summary>Agreement figures of one tile size (fractions in [0, 1]).</summary>
public sealed record TileAgreementRow(int Tile, int Stride, long TilesPerImage, double TileAgreesWithFull, double SingleTileAccuracy, double PatchAveragedAccuracy, double FullImageAccuracy);

public sealed record TileAgreementResult(int Images, List<TileAgreementRow> Rows) : IAnalysisResult
{
    public IReadOnlyDictionary<string, object> Headline()
    {
        var headline = new Dictionary<string, object> { ["images"] = Images };
        foreach (var row in Rows)
        {
            string t = row.Tile.ToString(CultureInfo.InvariantCulture);
            headline[$"agreement_t{t}"] = row.TileAgreesWithFull;
            headline[$"tile_accuracy_t{t}"] = row.SingleTileAccuracy;
            headline[$"patch_averaged_accuracy_t{t}"] = row.PatchAveragedAccuracy;
        }
        if (Rows.Count > 0) headline["full_image_accuracy"] = Rows[0].FullImageAccuracy;
        return headline;
    }
}

/// <summary>
/// How a network (typically trained on full images) behaves on tiles: for each tile size T, the
/// fraction of stride-s T x T tiles whose top-1 class equals the network's full-image prediction,
/// the accuracy of single tiles, and the accuracy of patch-averaged logits.
/// </summary>
public sealed class TileAgreement(Classifier classifier, TileAgreementOptions options) : IAnalysis<TileAgreementResult>
{
    public TileAgreementResult Run(ImageDataset data, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        foreach (var t in options.Tiles)
            if (t < 1 || t > data.Height || t > data.Width)
                throw new MyopiaException($"tile {t} must be in 1..{Math.Min(data.Height, data.Width)} for {data.Height}x{data.Width} images");
        if (options.Stride < 1) throw new MyopiaException($"stride must be >= 1, got {options.Stride}");
        foreach (var t in options.Tiles) classifier.CheckInputSide(t, t, "tile");
        Evaluation.FullImageEvaluator.CheckClasses(classifier, data);
        int stride = options.Stride;
        var rows = new List<TileAgreementRow>();
        foreach (var tile in options.Tiles)
        {
            long perImage = (long)((data.Height - tile) / stride + 1) * ((data.Width - tile) / stride + 1);
            int patchBatch = options.BatchImages is { } b ? PatchLogits.PatchesPerPass(b, data.Height, data.Width, tile) : options.PatchBatch;
            int chunk = (int)Math.Max(1, patchBatch * 4L / perImage);
            double agree = 0, tileCorrect = 0, averagedCorrect = 0, fullCorrect = 0;
            BatchedInference.Run(classifier, data, chunk, $"agreement T={tile}", c =>
            {
                var full = classifier.Logits(c.Images).argmax(1);                                              // N
                var logits = PatchLogits.Compute(classifier.Logits, c.Images, tile, stride, patchBatch); // N x Ph x Pw x K
                var tileClass = logits.argmax(3).flatten(1);                                                     // N x P
                agree += tileClass.eq(full.unsqueeze(1)).to_type(ScalarType.Float64).mean([1]).sum().item<double>();
                tileCorrect += tileClass.eq(c.Labels.unsqueeze(1)).to_type(ScalarType.Float64).mean([1]).sum().item<double>();
                averagedCorrect += logits.mean([1, 2]).argmax(1).eq(c.Labels).sum().item<long>();
                fullCorrect += full.eq(c.Labels).sum().item<long>();
            }, progress, cancellation);
            double count = data.Count;
            rows.Add(new TileAgreementRow(tile, stride, perImage, agree / count, tileCorrect / count, averagedCorrect / count, fullCorrect / count));
        }
        return new TileAgreementResult(data.Count, rows);
    }
}
