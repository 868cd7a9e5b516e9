using Myopia.Cli;

return CliRunner.Run(CommandCatalog.Root(), args);
