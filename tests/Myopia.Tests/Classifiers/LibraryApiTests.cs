using Myopia.Analysis.TileStudy;
using Myopia.Classifiers;
using Myopia.Evaluation;
using Myopia.Inspection;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Classifiers;

/// <summary>The README's library example, on tiny data: the calls it shows exist and fit together.</summary>
[Collection(GlobalTorchState.Name)]
public class LibraryApiTests
{
    [Fact]
    public void TheReadmeExampleRuns()
    {
        using var data = TinyData.Quadrants(train: 8, test: 8);
        using var classifier = ClassifierLoader.Load("smallcnn", new ClassifierOptions(Seed: 1), DataDefaults.Of(data));
        EvaluationResult modeA = new FullImageEvaluator(classifier).Run(data.Test);
        EvaluationResult modeB = new PatchAveragedEvaluator(classifier, new PatchAveragedOptions(Tile: 8)).Run(data.Test);
        TileHeatmapResult maps = new TileHeatmap(classifier, new TileHeatmapOptions(8)).Run(data.Test.Take(2));
        Assert.Equal(8, modeA.Headline()["images"]);
        Assert.Equal("patches-t8", modeB.Headline()["mode"]);
        Assert.Equal(2, maps.Images.Count);

        using var recorder = new ActivationRecorder(classifier.RequireLayers("my analysis"), LayerSelection.AllLeaves, Recording.ChannelMean);
        using var activations = recorder.Record(classifier.Normalize(data.Test.Images.narrow(0, 0, 4)));
        Assert.All(activations.Values, t => Assert.Equal(4, t.shape[0]));
        using var antialiased = ClassifierSurgery.Antialias(classifier, filterSize: 5);
        Assert.Equal(5, antialiased.Card.Options!.Antialias);
    }
}
