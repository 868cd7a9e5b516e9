using Myopia.Data;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using Myopia.Training;

namespace Myopia.Tests.Training.Faults;

/// <summary>
/// A checkpoint whose header was edited (or written by a buggy tool) keeps a valid footer: the hash proves
/// the bytes are intact, not sensible. Such headers are refused with one clear message before any model is built.
/// </summary>
public class EditedCheckpointTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-edited-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static CheckpointInfo Valid() => new()
    {
        Model = "smallcnn", Classes = 4, Channels = 3, ImageHeight = 16, ImageWidth = 16, ClassNames = ["a", "b", "c", "d"],
        Normalization = new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]), Tile = 8, Dataset = "tiny",
        Options = new TrainOptions { Epochs = 1 }, CompletedEpochs = 0,
    };

    public static TheoryData<string, string> Edits => new()
    {
        { "classes=0", "0 classes (expected 2 to 100,000)" },
        { "classes=5000000", "5000000 classes (expected 2 to 100,000)" },
        { "names=3", "3 class names for a head of 4 classes" },
        { "normalization=null", "no normalization" },
        { "normalization=2", "normalization for 2 channels (mean) and 2 (std), but 3 input channels" },
        { "std=0", "a normalization mean that is not finite or a std that is not positive" },
        { "channels=0", "0 input channels (expected 1 to 64)" },
        { "channels=-3", "-3 input channels (expected 1 to 64)" },
        { "tile=-2", "tile -2 (expected 1 to 16)" },
        { "tile=40", "tile 40 (expected 1 to 16)" },
        { "height=0", "image size 0x16" },
        { "model=nonesuch", "unknown model 'nonesuch'" },
        { "antialias=99", "antialias filter 99 (expected 0 to 7)" },
        { "epochs=-1", "-1 completed epochs" },
        { "options=null", "no training options" },
        { "history=null", "no history" },
    };

    private static CheckpointInfo Edit(CheckpointInfo i, string edit) => edit switch
    {
        "classes=0" => i with { Classes = 0 },
        "classes=5000000" => i with { Classes = 5_000_000 },
        "names=3" => i with { ClassNames = ["a", "b", "c"] },
        "normalization=null" => i with { Normalization = null! },
        "normalization=2" => i with { Normalization = new Normalization([0.5f, 0.5f], [0.2f, 0.2f]) },
        "std=0" => i with { Normalization = new Normalization([0.5f, 0.5f, 0.5f], [0.2f, 0f, 0.2f]) },
        "channels=0" => i with { Channels = 0 },
        "channels=-3" => i with { Channels = -3 },
        "tile=-2" => i with { Tile = -2 },
        "tile=40" => i with { Tile = 40 },
        "height=0" => i with { ImageHeight = 0 },
        "model=nonesuch" => i with { Model = "nonesuch" },
        "antialias=99" => i with { Antialias = 99 },
        "epochs=-1" => i with { CompletedEpochs = -1 },
        "history=null" => i with { History = null! },
        "options=null" => i with { Options = null! },
        _ => throw new ArgumentException(edit),
    };

    private string Write(string edit)
    {
        var path = Path.Combine(root, edit.Replace('=', '-') + ".pt");
        using var model = ModelRegistry.Create("smallcnn", new ModelOptions(4, 3));
        Checkpoint.Save(path, Edit(Valid(), edit), model, optimizer: null);
        Checkpoint.Verify(path); // the footer is valid: only the header's content is wrong
        return path;
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public void AnEditedHeaderIsRefusedWithAClearMessage(string edit, string problem)
    {
        var path = Write(edit);
        var load = Assert.Throws<MyopiaException>(() => Checkpoint.Load(path));
        Assert.Equal($"{path} has an invalid header: {problem}", load.Message);
        var read = Assert.Throws<MyopiaException>(() => Checkpoint.ReadInfo(path));
        Assert.Equal(load.Message, read.Message);
    }

    [Fact]
    public void TheUneditedHeaderLoads()
    {
        var path = Path.Combine(root, "valid.pt");
        using (var model = ModelRegistry.Create("smallcnn", new ModelOptions(4, 3)))
            Checkpoint.Save(path, Valid(), model, optimizer: null);
        var (info, loaded) = Checkpoint.Load(path);
        using (loaded) Assert.Equal(4, info.Classes);
    }

    [Fact]
    public void TheCliSaysOneLineAndNoStackTrace()
    {
        var path = Write("names=3");
        var outcome = CliProcess.Run("model", "inspect", path);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal($"error: {path} has an invalid header: 3 class names for a head of 4 classes", outcome.Stderr.Trim());
    }
}
