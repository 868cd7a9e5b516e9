using Myopia.IO;
using System.CommandLine;
using Myopia.Reporting;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia report DIR</c>: one self-contained HTML page for a run or sweep folder.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("DIR") { Description = "a run folder (from train/demo) or a sweep folder" };
        var json = CommonOptions.Json();
        var command = new Command("report", "Write report.html (plots embedded, tables, configs, timing) for a run or sweep folder.") { folder, json };
        command.SetAction(parse =>
        {
            var path = HtmlReport.Write(parse.GetValue(folder)!);
            if (parse.GetValue(json)) JsonOutput.Print(new { report = path });
            else Console.WriteLine(path);
            return 0;
        });
        return command;
    }
}
