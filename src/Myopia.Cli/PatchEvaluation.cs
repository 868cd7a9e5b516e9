using Myopia.Analysis.TileStudy;
using Myopia.Cli.Terminal;
using Myopia.Data;
using Myopia.Evaluation;
using static TorchSharp.torch;

namespace Myopia.Cli;

/// <summary>Mode B (patch-averaged logits) with a progress bar, for eval and sweep.</summary>
public static class PatchEvaluation
{
    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, Normalization normalization, ImageDataset test, int tile, int stride, int batch) =>
        ProgressDisplay.Run(sink =>
        {
            string label = $"patches T={tile}" + (stride > 1 ? $" stride {stride}" : "");
            sink.Start(label, test.Count);
            var result = new PatchAveragedEvaluator(model, normalization, tile, stride, Math.Max(batch, 256) * 4)
                .Evaluate(test, (done, _) => sink.Report(done));
            sink.Finish($"{label}: top-1 {result.Top1:P2}");
            return result;
        });
}
