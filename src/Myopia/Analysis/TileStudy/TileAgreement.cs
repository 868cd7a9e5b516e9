using Myopia.Augmentation;
using Myopia.Data;
using Myopia.Models;
using static TorchSharp.torch;

namespace Myopia.Analysis.TileStudy;

/// <summary>Agreement figures of one tile size (fractions in [0, 1]).</summary>
public sealed record TileAgreementRow(int Tile, int Stride, long TilesPerImage, double TileAgreesWithFull, double SingleTileAccuracy, double PatchAveragedAccuracy, double FullImageAccuracy);

public sealed record TileAgreementResult(int Images, List<TileAgreementRow> Rows);

/// <summary>
/// How a network (typically trained on full images) behaves on tiles: for each tile size T, the
/// fraction of stride-s T x T tiles whose top-1 class equals the network's full-image prediction,
/// the accuracy of single tiles, and the accuracy of patch-averaged logits.
/// </summary>
public sealed class TileAgreement(nn.Module<Tensor, Tensor> model, Normalization normalization, int stride = 1, int patchBatch = 1024)
{
    public TileAgreementResult Measure(ImageDataset data, IReadOnlyList<int> tiles, Action<int, long, long>? progress = null)
    {
        foreach (var t in tiles)
            if (t < 1 || t > data.Height || t > data.Width)
                throw new MyopiaException($"tile {t} must be in 1..{Math.Min(data.Height, data.Width)} for {data.Height}x{data.Width} images");
        var rows = new List<TileAgreementRow>();
        using (new EvalModeScope(model))
        {
            using var normalizer = new Normalizer(normalization);
            foreach (var tile in tiles)
            {
                long perImage = (long)((data.Height - tile) / stride + 1) * ((data.Width - tile) / stride + 1);
                int chunk = (int)Math.Max(1, patchBatch * 4 / perImage);
                double agree = 0, tileCorrect = 0, averagedCorrect = 0, fullCorrect = 0;
                for (long start = 0; start < data.Count; start += chunk)
                {
                    using var scope = NewDisposeScope();
                    long n = Math.Min(chunk, data.Count - start);
                    var x = normalizer.FromBytes(data.Images.narrow(0, start, n));
                    var labels = data.Labels.narrow(0, start, n);
                    var full = model.call(x).argmax(1);                                   // N
                    var logits = PatchLogits.Compute(model, x, tile, stride, patchBatch);  // N x Ph x Pw x K
                    var tileClass = logits.argmax(3).flatten(1);                          // N x P
                    agree += tileClass.eq(full.unsqueeze(1)).to_type(ScalarType.Float64).mean([1]).sum().item<double>();
                    tileCorrect += tileClass.eq(labels.unsqueeze(1)).to_type(ScalarType.Float64).mean([1]).sum().item<double>();
                    averagedCorrect += logits.mean([1, 2]).argmax(1).eq(labels).sum().item<long>();
                    fullCorrect += full.eq(labels).sum().item<long>();
                    progress?.Invoke(tile, start + n, data.Count);
                }
                double count = data.Count;
                rows.Add(new TileAgreementRow(tile, stride, perImage, agree / count, tileCorrect / count, averagedCorrect / count, fullCorrect / count));
            }
        }
        return new TileAgreementResult(data.Count, rows);
    }
}
