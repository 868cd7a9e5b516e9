namespace Myopia.Cli;

/// <summary>
/// How to start this same <c>myopia</c> again (a sweep's child runs, a cluster's array tasks): the
/// running executable, and under <c>dotnet Myopia.Cli.dll</c> the entry assembly as its first argument.
/// </summary>
public static class MyopiaInvocation
{
    /// <summary>The executable and the arguments that come before the command's own.</summary>
    public static IReadOnlyList<string> Prefix()
    {
        var process = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(process) != "dotnet") return [process];
        return [process, System.Reflection.Assembly.GetEntryAssembly()!.Location];
    }
}
