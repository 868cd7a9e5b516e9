using Myopia.Data;
using Myopia.Evaluation;
using static TorchSharp.torch;

namespace Myopia.Cli;

/// <summary>Mode B (patch-averaged logits) for the eval command; provided by the tile-study analysis.</summary>
public static class PatchEvaluation
{
    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, Normalization normalization, ImageDataset test, int tile, int stride, int batch) =>
        throw new MyopiaException("patch-averaged evaluation is not available in this build");
}
