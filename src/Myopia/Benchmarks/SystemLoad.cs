namespace Myopia.Benchmarks;

/// <summary>The machine's load averages, recorded beside every benchmark: a figure measured on a busy machine says so.</summary>
public static class SystemLoad
{
    /// <summary>The 1-, 5- and 15-minute load averages, as uptime prints them ("load unknown" where /proc/loadavg is absent).</summary>
    public static string Describe()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load {parts[0]}, {parts[1]}, {parts[2]}";
        }
        catch (IOException)
        {
            return "load unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "load unknown";
        }
    }
}
