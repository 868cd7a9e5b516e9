using Myopia.Classifiers;
using Myopia.Evaluation;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Cli;

/// <summary>
/// A model evaluated on a dataset with other classes (same count, other names) is refused rather
/// than scored at chance; a sweep with a bad model or tile is refused before any run or folder.
/// </summary>
public class ModelDataMismatchTests
{
    private static readonly string[] CifarNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    [Fact]
    public void EvalOfAModelWhoseCardNamesOtherClassesIsRefused()
    {
        var folder = Directory.CreateTempSubdirectory("myopia-mismatch-").FullName;
        try
        {
            var model = Path.Combine(folder, "cifar-names.pth");
            var export = CliProcess.Run("export", "smallcnn", "--classes", "10", "--class-names", string.Join(',', CifarNames), "--out", model);
            Assert.True(export.ExitCode == 0, export.Stderr);

            var o = CliProcess.Run("eval", "--model", model, "--arch", "smallcnn", "--data", "synthetic", "--test-limit", "20", "--out", Path.Combine(folder, "eval"));

            Assert.True(o.ExitCode == 2, o.Stderr);
            Assert.DoesNotContain("   at ", o.Stderr);
            Assert.Contains("error: ", o.Stderr);
            Assert.Contains("trained on other classes", o.Stderr);
            Assert.Contains("'airplane' for the model, 'class0' in synthetic", o.Stderr);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void EvalOfAModelWhoseFileCarriesNoClassNamesRuns()
    {
        var folder = Directory.CreateTempSubdirectory("myopia-mismatch-").FullName;
        try
        {
            var model = Path.Combine(folder, "numbered.pth");
            Assert.Equal(0, CliProcess.Run("export", "smallcnn", "--classes", "10", "--out", model).ExitCode);
            var o = CliProcess.Run("eval", "--model", model, "--arch", "smallcnn", "--data", "synthetic", "--test-limit", "20", "--out", Path.Combine(folder, "eval"));
            Assert.True(o.ExitCode == 0, o.Stderr);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData(ModelFormat.StateDict, new[] { "a", "b", "c", "d" }, true)]
    [InlineData(ModelFormat.MyopiaCheckpoint, new[] { "q0", "q1", "x", "q3" }, true)]
    [InlineData(ModelFormat.StateDict, new[] { "Q0", "q1", "q2", "q3" }, false)] // case does not matter
    [InlineData(ModelFormat.StateDict, new[] { "0", "1", "2", "3" }, false)] // numbered: no names recorded
    [InlineData(ModelFormat.Registry, new[] { "a", "b", "c", "d" }, false)] // a module built in code
    public void TheCheckComparesOnlyRecordedNames(ModelFormat format, string[] names, bool refused)
    {
        using var data = TinyData.Quadrants(train: 8, test: 8);
        using var module = ModelRegistry.Create("smallcnn", classes: 4);
        var preprocessing = new Preprocessing(data.Normalization, 3, 16, 16, names);
        var card = new ModelCard("smallcnn", new ModelOptions(4, 3), "test", format, null, true, true, null, 0);
        using var classifier = new Classifier(module, preprocessing, card, ownsNetwork: false);

        var run = () => new FullImageEvaluator(classifier, new FullImageOptions(8)).Run(data.Test);

        if (refused) Assert.Contains("trained on other classes", Assert.Throws<MyopiaException>(run).Message);
        else Assert.Equal(8, run().Count);
    }

    [Theory]
    [InlineData("--models smallcnn,resnet999", "unknown model 'resnet999'")]
    [InlineData("--models smallcnn,resnet9 --tiles 4,16", "too small for resnet9")]
    [InlineData("--tiles 16,48", "larger than the 32x32 images")]
    public void ASweepIsRefusedBeforeItsFolderOrAnyRunExists(string options, string fragment)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"myopia-sweep-check-{Guid.NewGuid():N}");
        var o = CliProcess.Run(["sweep", "--epochs", "1", "--train-limit", "50", "--out", folder, .. options.Split(' ')]);
        Assert.True(o.ExitCode == 2, o.Stderr);
        Assert.Contains(fragment, o.Stderr);
        Assert.DoesNotContain("   at ", o.Stderr);
        Assert.False(Directory.Exists(folder), "the sweep made its folder before refusing");
    }
}
