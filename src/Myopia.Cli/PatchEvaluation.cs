using Myopia.Analysis.TileStudy;
using Myopia.Cli.Terminal;
using Myopia.Data;
using Myopia.Evaluation;
using Myopia.Classifiers;

namespace Myopia.Cli;

/// <summary>Mode B (patch-averaged logits) with a progress bar, for eval and sweep.</summary>
public static class PatchEvaluation
{
    public static EvaluationResult Run(Classifier classifier, ImageDataset test, int tile, int stride, int batch) =>
        ProgressDisplay.Analysis((progress, cancel) =>
            new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(tile, stride, Math.Max(batch, 256) * 4)).Run(test, progress, cancel));
}
