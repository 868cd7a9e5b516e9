using System.Diagnostics;

namespace Myopia.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted on a fresh folder for the life of the object: a disk that fills up after a
/// few kilobytes, or a read-only one. Tests run as root here, which ignores write permissions, so a
/// read-only mount is the honest way to get a folder that cannot be written. Needs mount rights
/// (root on Linux); <see cref="MountFactAttribute"/> skips visibly where they are missing.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    public string Path { get; }

    public TmpfsMount(string size, bool readOnly = false)
    {
        Path = Directory.CreateTempSubdirectory("myopia-tmpfs-").FullName;
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"{(readOnly ? "ro," : "")}size={size}", "tmpfs", Path);
        if (code != 0)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException($"mount failed: {error}");
        }
    }

    /// <summary>Whether this process may mount a tmpfs (tried once).</summary>
    public static bool Available { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            using var probe = new TmpfsMount("16k");
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    private static (int Code, string Error) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>A fact that needs to mount a tmpfs; reported as skipped, with the reason, where that is not permitted.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!TmpfsMount.Available) Skip = "cannot mount a tmpfs here (needs root on Linux): full and read-only disks not tested";
    }
}

/// <summary>A theory that needs to mount a tmpfs; skipped visibly where that is not permitted.</summary>
public sealed class MountTheoryAttribute : TheoryAttribute
{
    public MountTheoryAttribute()
    {
        if (!TmpfsMount.Available) Skip = "cannot mount a tmpfs here (needs root on Linux): full and read-only disks not tested";
    }
}
