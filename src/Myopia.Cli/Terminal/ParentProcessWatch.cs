using System.Diagnostics;

namespace Myopia.Cli.Terminal;

/// <summary>
/// Lets a child <c>myopia train</c> of a sweep notice that the sweep died (SIGKILL, OOM, a closed
/// terminal) and stop, instead of training on, orphaned, into a folder that a re-run of the sweep will
/// train into. The sweep passes its PID in MYOPIA_PARENT_PID; the child checks twice a second that its
/// parent is still that process (on Linux by its own parent PID, which changes when it is re-parented,
/// so a recycled PID cannot fool it).
/// </summary>
public sealed class ParentProcessWatch : IDisposable
{
    public const string Variable = "MYOPIA_PARENT_PID";
    private readonly Timer timer;
    private int fired;

    private ParentProcessWatch(int parentPid, Action parentGone)
    {
        timer = new Timer(_ =>
        {
            if (IsAlive(parentPid) || Interlocked.Exchange(ref fired, 1) == 1) return;
            parentGone();
        }, null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
    }

    public static ParentProcessWatch? FromEnvironment(Action parentGone) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var pid) && pid > 0 ? new ParentProcessWatch(pid, parentGone) : null;

    private static bool IsAlive(int parentPid)
    {
        if (ParentPidFromProc() is { } ppid) return ppid == parentPid;
        try
        {
            using var p = Process.GetProcessById(parentPid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int? ParentPidFromProc()
    {
        try
        {
            if (!File.Exists("/proc/self/stat")) return null;
            var text = File.ReadAllText("/proc/self/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' '); // state, ppid, ...
            return int.Parse(fields[1]);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public void Dispose() => timer.Dispose();
}
