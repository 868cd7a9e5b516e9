namespace Myopia.Devices;

/// <summary>The CPU's instruction-set flags as the operating system reports them (Linux: /proc/cpuinfo).</summary>
public static class CpuFeatures
{
    private static readonly Lazy<IReadOnlySet<string>> Cached = new(Read);

    public static IReadOnlySet<string> Flags => Cached.Value;

    /// <summary>The CPU's model name, or the processor architecture where the OS does not say.</summary>
    public static string ModelName { get; } = ReadModelName();

    private static string Arch => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();

    // /proc/cpuinfo is the one place that names the BF16 extensions on Linux; elsewhere they read as absent.
    private static IReadOnlySet<string> Read()
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return flags;
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            if (line is not null)
                foreach (var flag in line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)) flags.Add(flag);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return flags;
    }

    private static string ReadModelName()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return Arch;
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? Arch : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return Arch; }
        catch (UnauthorizedAccessException) { return Arch; }
    }
}
