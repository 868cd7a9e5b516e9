using Myopia.Tests.Infrastructure;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.Interop;
using Myopia.IO;
using Myopia.Models;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Classifiers;

/// <summary>One loader for every kind of model spec, with metadata from options, then the file, then the data.</summary>
[Collection(GlobalTorchState.Name)]
public class ClassifierLoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("myopia-loader-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly Normalization Cifar = new([0.49f, 0.48f, 0.45f], [0.25f, 0.24f, 0.26f]);
    private static readonly string[] Names = ["a", "b", "c", "d"];
    private static DataDefaults Defaults => new("tiny", Cifar, Names, 3, 16, 16);

    private static float[] Logits(Classifier c, Tensor normalized)
    {
        using var eval = c.EvalMode();
        using var logits = c.Logits(normalized);
        return logits.data<float>().ToArray();
    }

    [Fact]
    public void ARegistryNameGivesFreshSeededWeightsWithTheDatasetsMetadataNoted()
    {
        using var a = ClassifierLoader.Load("smallcnn", new ClassifierOptions(Seed: 3), Defaults);
        using var b = ClassifierLoader.Load("smallcnn", new ClassifierOptions(Seed: 3), Defaults);
        using var c = ClassifierLoader.Load("smallcnn", new ClassifierOptions(Seed: 4), Defaults);
        Assert.Equal(ModelFormat.Registry, a.Card.Format);
        Assert.Equal(Names, a.Preprocessing.ClassNames);
        Assert.Equal(Cifar.Mean, a.Preprocessing.Normalization.Mean);
        Assert.Contains(a.Card.Notes, n => n.Contains("normalization") && n.Contains("tiny"));
        using var x = randn(2, 3, 16, 16);
        Assert.Equal(Logits(a, x), Logits(b, x));
        Assert.NotEqual(Logits(a, x), Logits(c, x));
    }

    [Fact]
    public void AMyopiaCheckpointCarriesItsOwnMetadataAndWeights()
    {
        manual_seed(5);
        using var model = ModelRegistry.Create("smallcnn", new ModelOptions(4));
        var path = Path.Combine(dir, "checkpoint.pt");
        var info = new CheckpointInfo
        {
            Model = "smallcnn", Classes = 4, Channels = 3, ImageHeight = 16, ImageWidth = 16, ClassNames = ["w", "x", "y", "z"],
            Normalization = Cifar, Tile = 8, Dataset = "tiny", Options = new TrainOptions { Model = "smallcnn" },
        };
        Checkpoint.Save(path, info, model, null);
        using var loaded = ClassifierLoader.Load(dir, defaults: Defaults); // the run folder
        Assert.Equal(ModelFormat.MyopiaCheckpoint, loaded.Card.Format);
        Assert.Equal(8, loaded.Card.Tile);
        Assert.Equal(["w", "x", "y", "z"], loaded.Preprocessing.ClassNames); // the checkpoint's, not the data's
        Assert.True(loaded.Card.HasSpatialLogits);
        using var x = randn(2, 3, 16, 16);
        model.eval();
        using (no_grad())
        using (var expected = model.call(x))
            Assert.Equal(expected.data<float>().ToArray(), Logits(loaded, x));
        var e = Assert.Throws<MyopiaException>(() => ClassifierLoader.Load(path, new ClassifierOptions(Architecture: "resnet18")));
        Assert.Contains("records its architecture", e.Message);
    }

    [Fact]
    public void AStateDictLoadsWithItsModelCardAndNeedsAnArchitectureWithout()
    {
        manual_seed(6);
        using var model = ModelRegistry.Create("resnet18", new ModelOptions(4, 3, Stem.Cifar));
        var file = Path.Combine(dir, "weights.pth");
        ModelExport.Write(model, ExportFormat.StateDict, file);

        var e = Assert.Throws<MyopiaException>(() => ClassifierLoader.Load(file, defaults: Defaults));
        Assert.Contains("--arch", e.Message);

        // Architecture given but the stem left out: torchvision's stem is assumed and said; the 3x3 conv1 of the cifar stem then
        // does not fit torchvision's 7x7 one, which the strict loader names.
        var mismatch = Assert.Throws<MyopiaException>(() => ClassifierLoader.Load(file, new ClassifierOptions(Architecture: "resnet18"), Defaults));
        Assert.Contains("conv1.weight", mismatch.Message);

        JsonOutput.WriteFile(file + ".json", new
        {
            architecture = "resnet18", options = new { classes = 4, stem = "cifar" }, class_names = new[] { "p", "q", "r", "s" },
            normalization = new { mean = new[] { 0.5f, 0.5f, 0.5f }, std = new[] { 0.2f, 0.2f, 0.2f } }, tile = 12, dataset = "tiny",
        });
        using var loaded = ClassifierLoader.Load(file, defaults: Defaults);
        Assert.Equal(ModelFormat.StateDict, loaded.Card.Format);
        Assert.Equal(Stem.Cifar, loaded.Card.Options!.Stem);
        Assert.Equal(12, loaded.Card.Tile);
        Assert.Equal(["p", "q", "r", "s"], loaded.Preprocessing.ClassNames);
        Assert.Equal(0.2f, loaded.Preprocessing.Normalization.Std[0]);
        using var x = randn(2, 3, 16, 16);
        model.eval();
        using (no_grad())
        using (var expected = model.call(x))
            Assert.Equal(expected.data<float>().ToArray(), Logits(loaded, x));

        // Options override the card.
        using var renamed = ClassifierLoader.Load(file, new ClassifierOptions(ClassNames: ["1", "2", "3", "4"]), Defaults);
        Assert.Equal(["1", "2", "3", "4"], renamed.Preprocessing.ClassNames);
    }

    [Fact]
    public void SafetensorsLoadLikeAStateDict()
    {
        manual_seed(7);
        using var model = ModelRegistry.Create("vgg11bn", new ModelOptions(4));
        var file = Path.Combine(dir, "weights.safetensors");
        ModelExport.Write(model, ExportFormat.Safetensors, file);
        using var loaded = ClassifierLoader.Load(file, new ClassifierOptions(Architecture: "vgg11bn", Stem: Stem.Study), Defaults);
        Assert.Equal(ModelFormat.Safetensors, loaded.Card.Format);
        using var x = randn(1, 3, 32, 32);
        model.eval();
        using (no_grad())
        using (var expected = model.call(x))
            Assert.Equal(expected.data<float>().ToArray(), Logits(loaded, x));
    }

    [Fact]
    public void ATorchScriptModelRunsButRefusesLayerAnalysesWithTheReason()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inspection", "Assets", "linrelu.script.dat");
        using var loaded = ClassifierLoader.Load(path, new ClassifierOptions(Classes: 4), Defaults);
        Assert.Equal(ModelFormat.TorchScript, loaded.Card.Format);
        Assert.False(loaded.Card.Hookable);
        var e = Assert.Throws<MyopiaException>(() => loaded.RequireLayers("the diffeo lab"));
        Assert.Contains("the diffeo lab needs the network's layers", e.Message);
        Assert.Contains("TorchScript", e.Message);
        Assert.Throws<MyopiaException>(() => ClassifierSurgery.Antialias(loaded, 3));
    }

    [Theory]
    [InlineData("/no/such/model.pth", "model not found: /no/such/model.pth")]
    [InlineData("resnet999", "neither a file, a run folder nor a registry architecture")]
    public void MissingModelsAreNamed(string spec, string message) =>
        Assert.Contains(message, Assert.Throws<MyopiaException>(() => ClassifierLoader.Load(spec)).Message);

    [Fact]
    public void AFileOfAnotherFormatIsRefusedByItsContent()
    {
        var file = Path.Combine(dir, "model.pth");
        File.WriteAllText(file, "not a model");
        Assert.Contains("is not a model file Myopia reads", Assert.Throws<MyopiaException>(() => ClassifierLoader.Load(file)).Message);
    }

    [Fact]
    public void ClassNamesMustMatchTheOutputs()
    {
        var e = Assert.Throws<MyopiaException>(() => ClassifierLoader.Load("smallcnn", new ClassifierOptions(Classes: 3, ClassNames: ["a", "b"])));
        Assert.Contains("3 outputs but 2 class names", e.Message);
    }
}
