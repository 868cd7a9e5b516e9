using System.CommandLine;

namespace Myopia.Cli;

/// <summary>Every top-level command of <c>myopia</c>, in the order <c>--help</c> lists them.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return Commands.DataCommand.Create();
    }
}
