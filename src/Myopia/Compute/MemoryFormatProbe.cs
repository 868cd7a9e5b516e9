using System.Diagnostics;
using System.Text.Json;
using Myopia.IO;
using TorchSharp;

namespace Myopia.Compute;

/// <summary>What a probe measured: seconds of one step in each layout (best of the timed steps) and the choice.</summary>
public sealed record MemoryFormatTiming(MemoryFormat Chosen, double ContiguousSeconds, double ChannelsLastSeconds, bool FromCache)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ChosenName => MemoryFormats.Name(Chosen);

    /// <summary>"measured: contiguous 120 ms, channels-last 95 ms per step" (or "measured earlier: ...").</summary>
    public string Describe() =>
        $"{(FromCache ? "measured earlier" : "measured")}: contiguous {ContiguousSeconds * 1000:F0} ms, channels-last {ChannelsLastSeconds * 1000:F0} ms per step";
}

/// <summary>
/// Chooses the faster activation layout for one workload by timing a few real steps in each, alternating
/// the two so that drift of a shared machine hits both. Channels-last must win by 5% to be chosen (the
/// standard layout is what every other tool uses). A choice is kept for the process and in a cache file
/// (per machine, thread count and libtorch version) so later runs of the same workload skip the probe.
/// </summary>
public static class MemoryFormatProbe
{
    private const double RequiredGain = 0.95;
    private static readonly Dictionary<string, MemoryFormatTiming> Known = new();
    private static readonly Lock Gate = new();

    /// <summary>The cache file: $MYOPIA_CACHE_DIR, else $XDG_CACHE_HOME/myopia, else ~/.cache/myopia.</summary>
    public static string CacheFile
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("MYOPIA_CACHE_DIR");
            if (string.IsNullOrEmpty(dir))
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                dir = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "myopia");
            }
            return Path.Combine(dir, "memory-formats.json");
        }
    }

    /// <summary>
    /// The workload's identity: what it runs (e.g. "train resnet18 study 3x16x16 batch 128 bf16") plus
    /// the machine, thread count and libtorch version the timing holds for.
    /// </summary>
    public static string Key(string workload, TorchSharp.torch.Device device) =>
        $"{workload} | {device} | {Devices.CpuFeatures.ModelName} | {torch.get_num_threads()} threads | libtorch {torch.__version__}";

    /// <param name="step">Runs one step of the workload in the given layout (its cost is what is compared).</param>
    /// <param name="cacheFile">Where choices persist (default: <see cref="CacheFile"/>).</param>
    public static MemoryFormatTiming Choose(string key, Action<MemoryFormat> step, int warmup = 1, int timed = 2, string? cacheFile = null)
    {
        cacheFile ??= CacheFile;
        lock (Gate)
        {
            if (Known.TryGetValue(key, out var known)) return known;
            var cached = ReadCache(cacheFile).GetValueOrDefault(key);
            if (cached is not null)
            {
                var hit = cached with { FromCache = true };
                Known[key] = hit;
                return hit;
            }
            for (int i = 0; i < warmup; i++)
            {
                step(MemoryFormat.Contiguous);
                step(MemoryFormat.ChannelsLast);
            }
            double contiguous = double.MaxValue, channelsLast = double.MaxValue;
            for (int i = 0; i < timed; i++)
            {
                bool lastFirst = i % 2 == 1;
                if (lastFirst) channelsLast = Math.Min(channelsLast, Time(step, MemoryFormat.ChannelsLast));
                contiguous = Math.Min(contiguous, Time(step, MemoryFormat.Contiguous));
                if (!lastFirst) channelsLast = Math.Min(channelsLast, Time(step, MemoryFormat.ChannelsLast));
            }
            var chosen = Decide(contiguous, channelsLast);
            var timing = new MemoryFormatTiming(chosen, contiguous, channelsLast, FromCache: false);
            Known[key] = timing;
            WriteCache(cacheFile, key, timing);
            return timing;
        }
    }

    /// <summary>Channels-last only when it saves at least 5% of a step.</summary>
    public static MemoryFormat Decide(double contiguousSeconds, double channelsLastSeconds) =>
        channelsLastSeconds < RequiredGain * contiguousSeconds ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous;

    private static double Time(Action<MemoryFormat> step, MemoryFormat format)
    {
        var clock = Stopwatch.StartNew();
        step(format);
        return clock.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, MemoryFormatTiming> ReadCache(string path)
    {
        try
        {
            return File.Exists(path)
                ? JsonSerializer.Deserialize<Dictionary<string, MemoryFormatTiming>>(File.ReadAllText(path), JsonOutput.File) ?? new()
                : new();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return new(); // an unreadable cache only costs a new measurement
        }
    }

    private static void WriteCache(string path, string key, MemoryFormatTiming timing)
    {
        try
        {
            var all = ReadCache(path);
            all[key] = timing with { FromCache = false };
            JsonOutput.WriteFile(path, all);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only home still gets the measured choice for this process.
        }
    }
}
