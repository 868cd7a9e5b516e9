using Myopia.Interop;

namespace Myopia.Tests.Interop;

/// <summary>Files that are not a readable state_dict give one clear error naming the file.</summary>
public sealed class StateDictFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("myopia-statedict-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Exported(ExportFormat format)
    {
        using var model = new TorchvisionLikeToy();
        var path = Path.Combine(folder, format == ExportFormat.Safetensors ? "model.safetensors" : "model.pth");
        ModelExport.Write(model, format, path);
        return path;
    }

    private static void Truncate(string path, double keep)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void ATruncatedPth_IsReportedAsDamagedOrTruncated(double keep)
    {
        var path = Exported(ExportFormat.StateDict);
        Truncate(path, keep);

        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(path));

        Assert.Equal($"{path} is a damaged or truncated zip archive (an incomplete download or copy?)", error.Message);
    }

    [Fact]
    public void ATruncatedSafetensorsFile_IsReportedAsTruncated()
    {
        var path = Exported(ExportFormat.Safetensors);
        Truncate(path, 0.9);

        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(path));

        Assert.StartsWith($"{path} is truncated: its header lists", error.Message);
    }

    [Fact]
    public void AFolder_IsNotAFile()
    {
        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(folder));
        Assert.Equal($"state_dict file {folder} is a folder, not a file", error.Message);
    }

    [Fact]
    public void AMissingFile_IsNamed()
    {
        var path = Path.Combine(folder, "absent.pth");
        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(path));
        Assert.Equal($"state_dict file not found: {path}", error.Message);
    }

    [Theory]
    [InlineData(new byte[0], "is empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, "is neither a PyTorch state_dict (torch.save zip) nor a safetensors file")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8 }, "legacy (pre-1.6) format")]
    public void OtherContent_IsExplained(byte[] content, string explanation)
    {
        var path = Path.Combine(folder, "weights.pth");
        File.WriteAllBytes(path, content);

        var error = Assert.Throws<MyopiaException>(() => StateDictFile.Read(path));

        Assert.StartsWith(path, error.Message);
        Assert.Contains(explanation, error.Message);
    }
}
