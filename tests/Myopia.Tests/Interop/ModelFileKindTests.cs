using System.Text;
using Myopia.Interop;

namespace Myopia.Tests.Interop;

/// <summary>Kinds told by content: every file here is named "model.pt", as they all are in the wild.</summary>
public sealed class ModelFileKindTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("myopia-filekind-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string File(byte[] content)
    {
        var path = Path.Combine(folder, "model.pt");
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    private string Exported(ExportFormat format)
    {
        using var model = new TorchvisionLikeToy();
        var path = Path.Combine(folder, "model.pt");
        ModelExport.Write(model, format, path);
        return path;
    }

    [Fact]
    public void AStateDictPickle_IsRecognised() =>
        Assert.Equal(ModelFileFormat.StateDictPickle, ModelFileKind.Detect(Exported(ExportFormat.StateDict)));

    [Fact]
    public void ASafetensorsFile_IsRecognised() =>
        Assert.Equal(ModelFileFormat.Safetensors, ModelFileKind.Detect(Exported(ExportFormat.Safetensors)));

    [Fact]
    public void AMyopiaCheckpoint_IsRecognisedByItsMagic() =>
        Assert.Equal(ModelFileFormat.MyopiaCheckpoint, ModelFileKind.Detect(File([.. "MYOPIACK"u8, 1, 2, 3, 4])));

    [Fact]
    public void ATruncatedZip_IsUnknown()
    {
        var path = Exported(ExportFormat.StateDict);
        var bytes = System.IO.File.ReadAllBytes(path);
        Assert.Equal(ModelFileFormat.Unknown, ModelFileKind.Detect(File(bytes[..(bytes.Length / 2)])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MYOPIA")]
    [InlineData("{\"dtype\": \"F32\"}")]
    [InlineData("not a model at all, just some text")]
    public void OtherContent_IsUnknown(string text) =>
        Assert.Equal(ModelFileFormat.Unknown, ModelFileKind.Detect(File(Encoding.UTF8.GetBytes(text))));

    [Fact]
    public void ASafetensorsHeaderLongerThanTheFile_IsUnknown() =>
        Assert.Equal(ModelFileFormat.Unknown, ModelFileKind.Detect(File([0xff, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}'])));

    [Fact]
    public void AMissingFile_IsAnError() =>
        Assert.Throws<MyopiaException>(() => ModelFileKind.Detect(Path.Combine(folder, "absent.pt")));
}
