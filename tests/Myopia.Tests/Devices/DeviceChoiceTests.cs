using Myopia.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Tests.Devices;

public class DeviceChoiceTests
{
    [Fact]
    public void CpuAndAutoAreTheCpuWithoutAGpu()
    {
        Assert.Equal(DeviceType.CPU, DeviceChoice.Parse("cpu").type);
        Assert.Equal(DeviceType.CPU, DeviceChoice.Parse("CPU").type);
        if (!cuda.is_available()) Assert.Equal(DeviceType.CPU, DeviceChoice.Parse("auto").type);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:3")]
    public void CudaWithoutAGpuSaysWhatToDo(string choice)
    {
        if (cuda.is_available()) return; // a GPU machine: nothing to refuse
        var e = Assert.Throws<MyopiaException>(() => DeviceChoice.Parse(choice));
        Assert.Contains(DeviceChoice.IsCpuOnlyBuild ? "TorchSharp-cuda" : "no CUDA device", e.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void NonsenseIsRefused(string choice) =>
        Assert.Contains("--device", Assert.Throws<MyopiaException>(() => DeviceChoice.Parse(choice)).Message);

    [Fact]
    public void TheBuildNamesItsBackendPackage() =>
        Assert.StartsWith("TorchSharp-", DeviceChoice.BackendPackage);

    [Fact]
    public void TheMachineReportAgreesWithLibtorch()
    {
        var report = MachineReport.Read();
        Assert.Equal(get_num_threads(), report.TorchThreads);
        Assert.Equal(Environment.ProcessorCount, report.Cores);
        Assert.Equal("cpu", report.Devices[0]);
        Assert.Equal(cuda.is_available(), report.CudaAvailable);
    }
}
