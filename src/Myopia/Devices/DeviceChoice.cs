using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Devices;

/// <summary>
/// Turns <c>--device cpu|cuda|cuda:N|auto</c> into a libtorch device, or one clear error: the
/// backend is chosen at build time (one MSBuild property), so a CUDA request on a CPU-only build
/// says which package to build with rather than failing deep inside libtorch.
/// </summary>
public static class DeviceChoice
{
    public const string Help = "where networks run: cpu, cuda, cuda:N or auto (a GPU when the build and machine have one)";

    /// <summary>The libtorch package this build was made with, e.g. "TorchSharp-cpu 0.107.0".</summary>
    public static string BackendPackage =>
        typeof(DeviceChoice).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchBackendPackage")?.Value ?? "unknown";

    public static bool IsCpuOnlyBuild => BackendPackage.StartsWith("TorchSharp-cpu", StringComparison.OrdinalIgnoreCase);

    public static Device Parse(string? choice)
    {
        var text = (choice ?? "cpu").Trim().ToLowerInvariant();
        if (text == "cpu") return CPU;
        if (text == "auto") return cuda.is_available() ? CUDA : CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (text.Length > 4 && (!int.TryParse(text.AsSpan(5), out index) || index < 0))
                throw new MyopiaException($"--device {choice}: expected cuda:N with N a device number");
            if (!cuda.is_available())
                throw new MyopiaException(IsCpuOnlyBuild
                    ? $"--device {choice}: this Myopia was built with the CPU-only libtorch ({BackendPackage}); " +
                      "build with -p:TorchBackendPackage=TorchSharp-cuda-linux (or TorchSharp-cuda-windows) to use a GPU"
                    : $"--device {choice}: no CUDA device is visible (backend {BackendPackage}); check the driver and CUDA_VISIBLE_DEVICES");
            int count = cuda.device_count();
            if (index >= count) throw new MyopiaException($"--device {choice}: only {count} CUDA device(s) (0-{count - 1})");
            return new Device(DeviceType.CUDA, index);
        }
        throw new MyopiaException($"--device {choice}: expected cpu, cuda, cuda:N or auto");
    }
}
