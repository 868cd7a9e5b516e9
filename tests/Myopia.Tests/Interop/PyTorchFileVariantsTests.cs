using Myopia.Interop;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Interop;

/// <summary>
/// The files PyTorch users actually have: training checkpoints wrapping a DataParallel state_dict,
/// the legacy pre-1.6 format, whole pickled models, TorchScript (traced and scripted).
/// </summary>
public sealed class PyTorchFileVariantsTests(PyTorchFileVariantsTests.Files files) : IClassFixture<PyTorchFileVariantsTests.Files>
{
    public sealed class Files : IDisposable
    {
        private readonly Lazy<ReferenceFolder> folder = new(() => PyTorchReference.Run(
            TorchvisionLikeToy.PythonDefinition + """

            torch.manual_seed(0)
            model = Toy()
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            model(torch.randn(2, 3, 16, 16)).sum().backward()
            optimizer.step()
            model.eval()
            wrapped = {"epoch": 3, "arch": "toy", "best_acc": 0.5,
                       "model_state_dict": {"module." + k: v for k, v in model.state_dict().items()},
                       "optimizer": optimizer.state_dict()}
            torch.save(wrapped, out("checkpoint.pth"))
            torch.save(model.state_dict(), out("legacy.pth"), _use_new_zipfile_serialization=False)
            torch.save(model, out("whole.pth"))
            torch.save({"epoch": 3, "weights_elsewhere": "model.pt"}, out("no-tensors.pth"))
            write_safetensors(out("model.safetensors"), model.state_dict())
            example = torch.randn(1, 3, 16, 16)
            torch.jit.save(torch.jit.trace(model, example), out("traced.pt"))
            torch.jit.save(torch.jit.script(model), out("scripted.pt"))
            torch.save(model.state_dict(), out("model.pth"))
            """));

        public string this[string name] => folder.Value.File(name);

        public void Dispose()
        {
            if (folder.IsValueCreated) folder.Value.Dispose();
        }
    }

    [PyTorchFact]
    public void ACheckpointWrappingADataParallelStateDict_IsUnwrapped_AndSaysSo()
    {
        using var stateDict = StateDictFile.Read(files["checkpoint.pth"]);
        using var model = new TorchvisionLikeToy();

        StateDictLoader.Load(model, stateDict);

        Assert.Equal(model.state_dict().Keys.Order(), stateDict.Tensors.Keys.Order());
        Assert.Collection(stateDict.Notes,
            note => Assert.Contains("stored under 'model_state_dict' of the checkpoint dictionary", note),
            note => Assert.Contains("removed the 'module.' prefix", note));
    }

    [PyTorchFact]
    public void ADictionaryWithoutTensors_ListsItsKeys()
    {
        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(files["no-tensors.pth"]));
        Assert.Contains("holds no state_dict", error.Message);
        Assert.Contains("'epoch', 'weights_elsewhere'", error.Message);
    }

    [PyTorchFact]
    public void TheLegacyFormat_IsExplained()
    {
        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(files["legacy.pth"]));
        Assert.Contains("legacy (pre-1.6) format", error.Message);
    }

    [PyTorchFact]
    public void AWholePickledModel_IsRefusedWithPyBridgesAdvice()
    {
        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(files["whole.pth"]));
        Assert.StartsWith($"cannot read {files["whole.pth"]} as a PyTorch state_dict", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [PyTorchFact]
    public void TorchScript_IsNotTakenForAStateDict()
    {
        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(files["traced.pt"]));
        Assert.Contains("is a TorchScript archive", error.Message);
    }

    [PyTorchFact]
    public void AStateDictIsNotTakenForTorchScript()
    {
        var error = Assert.Throws<MyopiaException>(() => TorchScriptFile.Load(files["model.pth"]));
        Assert.Contains("is a state_dict (weights only), not TorchScript", error.Message);
    }

    [PyTorchTheory]
    [InlineData("model.pth", ModelFileFormat.StateDictPickle)]
    [InlineData("checkpoint.pth", ModelFileFormat.StateDictPickle)]
    [InlineData("model.safetensors", ModelFileFormat.Safetensors)]
    [InlineData("traced.pt", ModelFileFormat.TorchScript)]
    [InlineData("scripted.pt", ModelFileFormat.TorchScript)]
    [InlineData("legacy.pth", ModelFileFormat.Unknown)]
    public void DetectTellsPyTorchsFilesApart(string name, ModelFileFormat expected) =>
        Assert.Equal(expected, ModelFileKind.Detect(files[name]));

    [PyTorchFact]
    public void AScriptedModel_LoadsAndRuns()
    {
        using var model = TorchScriptFile.Load(files["scripted.pt"]);
        using var input = TorchSharp.torch.randn(2, 3, 16, 16);
        using var logits = model.call(input);
        Assert.Equal([2L, 10L], logits.shape);
    }
}
