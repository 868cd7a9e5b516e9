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
    public static MachineReport Read()
    {
        var flags = CpuFlags();
        bool cudaAvailable = cuda.is_available();
        int cudaDevices = cudaAvailable ? cuda.device_count() : 0;
        return new MachineReport(
            typeof(MachineReport).Assembly.GetName().Version?.ToString() ?? "unknown",
            DeviceChoice.BackendPackage,
            __version__,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            CpuModel(),
            Environment.ProcessorCount,
            get_num_threads(),
            cudaAvailable,
            cudaDevices,
            System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
            flags.Contains("avx512_bf16"),
            flags.Contains("amx_bf16"),
            ["cpu", .. Enumerable.Range(0, cudaDevices).Select(i => $"cuda:{i}")]);
    }

    // /proc/cpuinfo is the one place that names the BF16 extensions on Linux; elsewhere they read as absent.
    private static HashSet<string> CpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }
}
