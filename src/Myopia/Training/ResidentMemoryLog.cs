using System.Globalization;

namespace Myopia.Training;

/// <summary>
/// Logs the process's resident memory every N training steps when MYOPIA_RSS_LOG names a file
/// (MYOPIA_RSS_EVERY sets N, default 100). A diagnostic for leak hunting: a long run that grows
/// shows it here, with the managed heap beside the kernel's figure. MYOPIA_RSS_GC=1 runs a full garbage
/// collection (and the finalizers that free tensors nobody disposed) before each reading: what then remains
/// is really held, what disappears was only garbage not yet collected.
/// </summary>
public sealed class ResidentMemoryLog
{
    private readonly string? path;
    private readonly int every;
    private readonly bool collectFirst = Environment.GetEnvironmentVariable("MYOPIA_RSS_GC") == "1";
    private long steps;

    private ResidentMemoryLog(string? path, int every)
    {
        this.path = path;
        this.every = every;
        if (path is not null && !File.Exists(path))
            File.WriteAllText(path, "step,epoch,vm_rss_kb,managed_bytes,gc_count\n");
    }

    public static ResidentMemoryLog FromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable("MYOPIA_RSS_LOG");
        int every = int.TryParse(Environment.GetEnvironmentVariable("MYOPIA_RSS_EVERY"), out var n) && n > 0 ? n : 100;
        return new ResidentMemoryLog(string.IsNullOrEmpty(path) ? null : path, every);
    }

    public void StepFinished(int epoch)
    {
        steps++;
        if (path is null || steps % every != 0) return;
        if (collectFirst)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        var line = string.Join(',', steps.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture),
            VmRssKilobytes().ToString(CultureInfo.InvariantCulture), GC.GetTotalMemory(false).ToString(CultureInfo.InvariantCulture),
            GC.CollectionCount(0).ToString(CultureInfo.InvariantCulture));
        File.AppendAllText(path, line + "\n");
    }

    /// <summary>VmRSS from /proc/self/status (Linux); -1 elsewhere.</summary>
    public static long VmRssKilobytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return -1;
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }
}
