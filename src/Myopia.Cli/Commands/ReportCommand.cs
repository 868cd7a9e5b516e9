using Myopia.IO;
using System.CommandLine;
using Myopia.Reporting;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia report DIR</c>: report.html for a results folder and every results folder below it (runs,
/// sweeps, eval, heatmap, agreement, linear, shift, diffeo), linked into one navigable index.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("DIR") { Description = "a results folder (run, sweep, eval, heatmap, lab) or a folder holding several" };
        var redraw = new Option<bool>("--redraw") { Description = "first draw the figures and report.md of every run and sweep again from their saved results (current figure style)" };
        var json = CommonOptions.Json();
        var command = new Command("report", "Write report.html (plots embedded, tables, configuration, links between pages) for a results folder and the folders below it.") { folder, redraw, json };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir)) throw new MyopiaException($"results folder not found: {dir}");
            if (parse.GetValue(redraw)) ReportRedraw.Folder(Path.GetFullPath(dir));
            var path = HtmlReport.Write(dir);
            if (parse.GetValue(json)) JsonOutput.Print(new { report = path });
            else Console.WriteLine(path);
            return 0;
        });
        return command;
    }
}
