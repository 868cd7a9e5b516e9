using System.CommandLine;
using Myopia;

namespace Myopia.Cli;

/// <summary>
/// Parses and runs a command with the project's error contract: bad input prints one clear line to
/// stderr and exits with 2; a bug prints the exception and exits with 1.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static int Run(Command root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {OneLine(parse.Errors[0].Message)}");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserFacing(e) is { } message)
        {
            Console.Error.WriteLine($"error: {message}");
            return UsageError;
        }
    }

    // System.CommandLine lists allowed values one per line; the contract is one error line.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The one-line message for an error caused by input, or null for a bug.</summary>
    private static string? UserFacing(Exception e) => e switch
    {
        MyopiaException m => m.Message,
        FileNotFoundException f => $"file not found: {f.FileName ?? f.Message}",
        DirectoryNotFoundException d => d.Message,
        UnauthorizedAccessException u => u.Message,
        IOException io when Environmental(io) is { } what => $"{what}: {io.Message} (files written before are intact)",
        AggregateException { InnerExceptions.Count: 1 } a => UserFacing(a.InnerExceptions[0]),
        _ => null,
    };

    // Errors of the machine rather than of the program: a full disk or quota, a file system that
    // became read-only, a file too large for it. .NET on Linux and macOS puts the errno in HResult;
    // Windows puts its own error codes there.
    private static string? Environmental(IOException e)
    {
        int code = e.HResult & 0xFFFF;
        if (OperatingSystem.IsWindows()) return code is WindowsDiskFull or WindowsHandleDiskFull ? "disk full" : null;
        // A write that preallocates its size (File.WriteAllText/Bytes) reports a full disk in words only.
        if (code is Enospc || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("because the disk was full", StringComparison.OrdinalIgnoreCase))
            return "disk full";
        if (e.Message.Contains("because the file was too large", StringComparison.OrdinalIgnoreCase)) return "file too large for the file system";
        if (code is Edquot) return "disk quota exceeded";
        if (code is Erofs || e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase)) return "read-only file system";
        if (code is Efbig) return "file too large for the file system";
        if (code is Eio) return "input/output error";
        return null;
    }

    private const int Eio = 5, Efbig = 27, Enospc = 28, Erofs = 30, Edquot = 122; // Linux errno
    private const int WindowsHandleDiskFull = 39, WindowsDiskFull = 112;
}
