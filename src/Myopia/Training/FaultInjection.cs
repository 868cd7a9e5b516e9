namespace Myopia.Training;

/// <summary>
/// TEST-ONLY. MYOPIA_FAULT_KILL_AT=metrics|best|summary|report|checkpoint makes the training process kill
/// itself (SIGKILL, no cleanup, as a power cut or the OOM killer would) right after that file is written at
/// the end of the final epoch. The fault-injection tests use it to show that a kill at any instant of the
/// epoch-end writes loses nothing after <c>--resume</c>. Never set it for real runs.
/// </summary>
public static class FaultInjection
{
    public const string Variable = "MYOPIA_FAULT_KILL_AT";
    public static readonly string[] Points = ["metrics", "best", "summary", "report", "checkpoint"];

    public static void After(string point, bool finalEpoch)
    {
        if (!finalEpoch) return;
        if (!string.Equals(Environment.GetEnvironmentVariable(Variable), point, StringComparison.OrdinalIgnoreCase)) return;
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
