using System.Runtime.InteropServices;

namespace Myopia.Cli.Terminal;

/// <summary>
/// The ways a training is asked to stop and save its progress: Ctrl-C, SIGTERM (what `kill`, systemd,
/// Slurm and container runtimes send before SIGKILL), and the death of the sweep process that started it
/// (MYOPIA_PARENT_PID, see <see cref="ParentProcessWatch"/>). All set one cancellation token; the exit
/// code then says which it was, as a shell would (130 for SIGINT, 143 for SIGTERM). On Linux, SIGUSR2 too:
/// what a Slurm job array asks for (<c>--signal=B:USR2@90</c>) before its time limit.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly ConsoleCancelEventHandler onCancel;
    private readonly PosixSignalRegistration? sigterm;
    private readonly PosixSignalRegistration? sigusr2;

    /// <summary>The exit code after SIGUSR2 (128 + 12), by which a sweep's Slurm task knows to requeue itself.</summary>
    public const int Usr2ExitCode = 140;
    private const int Sigusr2OnLinux = 12;
    private readonly ParentProcessWatch? parentWatch;

    public StopSignals()
    {
        onCancel = (_, e) =>
        {
            e.Cancel = true; // finish the batch, checkpoint, then exit
            Stop(130);
        };
        Console.CancelKeyPress += onCancel;
        if (!OperatingSystem.IsWindows())
            sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; Stop(143); });
        // .NET registers raw signal numbers too; SIGUSR2's number differs between Unix systems.
        if (OperatingSystem.IsLinux())
            sigusr2 = PosixSignalRegistration.Create((PosixSignal)Sigusr2OnLinux, context => { context.Cancel = true; Stop(Usr2ExitCode); });
        parentWatch = ParentProcessWatch.FromEnvironment(() =>
        {
            Console.Error.WriteLine("the sweep that started this training has ended; saving progress and stopping");
            Stop(143);
        });
    }

    public CancellationToken Token => source.Token;

    /// <summary>The exit code of an interrupted run: 130 after Ctrl-C, 143 after SIGTERM or the parent's death, 140 after SIGUSR2.</summary>
    public int ExitCode { get; private set; } = 130;

    private void Stop(int exitCode)
    {
        if (!source.IsCancellationRequested) ExitCode = exitCode;
        source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= onCancel;
        sigterm?.Dispose();
        sigusr2?.Dispose();
        parentWatch?.Dispose();
        source.Dispose();
    }
}
