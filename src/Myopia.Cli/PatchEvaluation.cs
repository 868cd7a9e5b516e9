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
            new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(tile, stride, PatchLogits.PatchesPerPass(batch, test.Height, test.Width, tile))).Run(test, progress, cancel));
}
