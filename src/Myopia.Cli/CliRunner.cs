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
            Console.Error.WriteLine($"error: {parse.Errors[0].Message}");
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

    /// <summary>The one-line message for an error caused by input, or null for a bug.</summary>
    private static string? UserFacing(Exception e) => e switch
    {
        MyopiaException m => m.Message,
        FileNotFoundException f => $"file not found: {f.FileName ?? f.Message}",
        DirectoryNotFoundException d => d.Message,
        UnauthorizedAccessException u => u.Message,
        AggregateException { InnerExceptions.Count: 1 } a => UserFacing(a.InnerExceptions[0]),
        _ => null,
    };
}
