using System.CommandLine;
using Myopia.Cli;

var root = new RootCommand("Myopia: measure how far convolutional networks really look.");
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);
return CliRunner.Run(root, args);
