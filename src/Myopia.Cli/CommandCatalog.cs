using System.CommandLine;
using System.CommandLine.Help;

namespace Myopia.Cli;

/// <summary>The <c>myopia</c> command tree: every top-level command, in the order <c>--help</c> lists them.</summary>
public static class CommandCatalog
{
    public static Command Root()
    {
        // A plain Command rather than RootCommand, so help says "myopia" whatever the assembly is called.
        var root = new Command("myopia", "Myopia: measure how far convolutional networks really look.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        foreach (var command in All())
            root.Subcommands.Add(command);
        return root;
    }

    public static IEnumerable<Command> All()
    {
        yield return Commands.DemoCommand.Create();
        yield return Commands.TrainCommand.Create();
        yield return Commands.EvalCommand.Create();
        yield return Commands.ExportCommand.Create();
        yield return Commands.SweepCommand.Create();
        yield return Commands.SweepTaskCommand.Create();
        yield return Commands.HeatmapCommand.Create();
        yield return Commands.AgreementCommand.Create();
        yield return Commands.ShiftCommand.Create();
        yield return Commands.DiffeoCommand.Create();
        yield return Commands.ScaleDetectionCommand.Create();
        yield return Commands.LinearCommand.Create();
        yield return Commands.ReportCommand.Create();
        yield return Commands.TheoryCommand.Create();
        yield return Commands.BenchCommand.Create();
        yield return Commands.DataCommand.Create();
        yield return Commands.EnvCommand.Create();
        yield return Commands.ModelCommand.Create();
    }
}
