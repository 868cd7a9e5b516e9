using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Myopia.Analysis.ShiftStudy;
using Myopia.IO;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia shift scatter DIR...</c>: Zhang's consistency-vs-accuracy plot across trained models, grouped by filter size, mean ± std over seeds.</summary>
public static class ShiftScatterCommand
{
    public static Command Create()
    {
        var results = new Argument<string[]>("results")
        {
            Description = "folders (or shift.json files) written by 'myopia shift' with one protocol, e.g. one per run of a sweep over antialias and seeds",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var command = new Command("scatter", "Zhang's plot across trained models: consistency (or, for the Azulay protocols, P(top-1 change)) against accuracy, " +
                                             "models grouped by BlurPool filter size, downsampling (APS) and translation padding, mean ± standard deviation over seeds; " +
                                             "each model's baseline measurement (surgery copies are not trained models).")
        {
            results, output, json,
        };
        command.SetAction(parse =>
        {
            var roots = new List<(string, JsonElement)>();
            foreach (var given in parse.GetValue(results)!)
            {
                var file = Directory.Exists(given) ? Path.Combine(given, "shift.json") : given;
                if (!File.Exists(file)) throw new MyopiaException($"{given} holds no shift.json: give folders written by 'myopia shift'");
                try
                {
                    using var doc = JsonDocument.Parse(File.ReadAllText(file));
                    roots.Add((given, doc.RootElement.Clone()));
                }
                catch (JsonException e) { throw new MyopiaException($"{file} is not valid JSON ({e.Message.Split('\n')[0]})"); }
            }
            var result = ShiftScatter.Build(roots);
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "shift-scatter");
            ShiftScatterWriter.Write(result, outDir);
            Console.Error.WriteLine($"results in {outDir}");
            if (parse.GetValue(json)) { JsonOutput.Print(result.Headline()); return 0; }
            string P(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture);
            var table = new Table().Title($"{result.Protocol}: {result.Metric} vs accuracy, {result.Points.Count} model{(result.Points.Count == 1 ? "" : "s")}")
                .AddColumns("group", "n", "accuracy (%)", $"{result.Metric} (%)", "worst case (%)");
            foreach (var g in result.Groups)
                table.AddRow(Markup.Escape(g.Label), g.Count.ToString(CultureInfo.InvariantCulture), $"{P(g.AccuracyMean)} ± {P(g.AccuracyStd)}",
                    $"{P(g.MetricMean)} ± {P(g.MetricStd)}", g.WorstCaseMean is { } w ? $"{P(w)} ± {P(g.WorstCaseStd ?? 0)}" : "");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
