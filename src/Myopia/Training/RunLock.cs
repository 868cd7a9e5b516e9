using System.Diagnostics;
using System.Globalization;

namespace Myopia.Training;

/// <summary>
/// Ownership of a run folder: <c>.myopia.lock</c> holds the PID and start time of the process training
/// into it, created with <see cref="FileMode.CreateNew"/> so that only one process can create it. A second
/// process is refused while the holder lives; a lock whose process is gone (killed, crashed) is taken over
/// with a message. The start time guards against a recycled PID naming an unrelated live process.
/// Within one process the lock is re-entrant (the CLI takes it before the trainer does).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".myopia.lock";
    private readonly string path;
    private readonly bool owned;

    private RunLock(string path, bool owned)
    {
        this.path = path;
        this.owned = owned;
    }

    public static RunLock Acquire(string runDir, Action<string>? message = null)
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, FileName);
        var me = Holder.Current();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(stream))
                    writer.Write(me.ToText());
                return new RunLock(path, owned: true);
            }
            catch (IOException) when (File.Exists(path) && attempt < 3)
            {
                var holder = Holder.Read(path);
                if (holder is null)
                {
                    Thread.Sleep(100); // being written by its creator this very moment
                    continue;
                }
                if (holder.Pid == me.Pid) return new RunLock(path, owned: false);
                if (holder.IsAlive())
                    throw new MyopiaException(
                        $"{runDir} is in use by another training process (PID {holder.Pid}, started {holder.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC); " +
                        "wait for it to end or stop it, or train into another --out");
                message?.Invoke($"took over {FileName} in {runDir} from process {holder.Pid}, which is no longer running");
                File.Delete(path);
            }
        }
    }

    public void Dispose()
    {
        // Remove the lock only if it is still ours (never one a later owner took over).
        if (owned && Holder.Read(path) is { } h && h.Pid == Environment.ProcessId) File.Delete(path);
    }

    private sealed record Holder(int Pid, DateTime StartedUtc)
    {
        public static Holder Current()
        {
            using var self = Process.GetCurrentProcess();
            return new Holder(self.Id, self.StartTime.ToUniversalTime());
        }

        public string ToText() => $"{Pid} {StartedUtc.ToString("o", CultureInfo.InvariantCulture)}\n";

        public static Holder? Read(string path)
        {
            try
            {
                var parts = File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2 || !int.TryParse(parts[0], out var pid)) return null;
                if (!DateTime.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started)) return null;
                return new Holder(pid, started.ToUniversalTime());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>A process with this PID runs and started when the lock says (else the PID was recycled); a zombie counts as gone.</summary>
        public bool IsAlive()
        {
            try
            {
                using var process = Process.GetProcessById(Pid);
                if (process.HasExited || IsZombie(Pid)) return false;
                return Math.Abs((process.StartTime.ToUniversalTime() - StartedUtc).TotalSeconds) < 2;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        private static bool IsZombie(int pid)
        {
            var stat = $"/proc/{pid}/stat";
            try
            {
                if (!File.Exists(stat)) return false;
                var text = File.ReadAllText(stat);
                // The state follows the parenthesised command name, which may itself contain spaces.
                var afterName = text[(text.LastIndexOf(')') + 1)..].TrimStart();
                return afterName.Length > 0 && afterName[0] is 'Z' or 'X';
            }
            catch (IOException)
            {
                return true;
            }
        }
    }
}
