using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Myopia.Devices;

/// <summary>What <c>myopia env</c> prints: the libtorch backend and what this machine offers it.</summary>
public sealed record MachineReport(
    string MyopiaVersion,
    string Backend,
    string Libtorch,
    string DotNet,
    string Os,
    string Cpu,
    int Cores,
    int TorchThreads,
    bool CudaAvailable,
    int CudaDevices,
    bool HasAvx2,
    bool HasAvx512,
    bool Bf16,
    bool AmxBf16,
    string[] Devices)
{
    /// <summary>What --precision auto chooses on this machine's CPU, and why.</summary>
    public string AutomaticPrecision { get; init; } = "";

    /// <summary>Whether libtorch's autocast (needed for --precision bf16) was found.</summary>
    public bool Autocast { get; init; }

    public static MachineReport Read()
    {
        var flags = CpuFeatures.Flags;
        bool cudaAvailable = cuda.is_available();
        int cudaDevices = cudaAvailable ? cuda.device_count() : 0;
        return new MachineReport(
            typeof(MachineReport).Assembly.GetName().Version?.ToString() ?? "unknown",
            DeviceChoice.BackendPackage,
            __version__,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            CpuFeatures.ModelName,
            Environment.ProcessorCount,
            get_num_threads(),
            cudaAvailable,
            cudaDevices,
            System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
            flags.Contains("avx512_bf16"),
            flags.Contains("amx_bf16"),
            ["cpu", .. Enumerable.Range(0, cudaDevices).Select(i => $"cuda:{i}")])
        {
            AutomaticPrecision = Compute.PrecisionChoice.Name(Compute.PrecisionChoice.Automatic(CPU).Precision) + " (" + Compute.PrecisionChoice.Automatic(CPU).Reason + ")",
            Autocast = Compute.Autocast.IsAvailable,
        };
    }
}
