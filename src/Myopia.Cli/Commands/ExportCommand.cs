using System.CommandLine;
using Myopia.Classifiers;
using Myopia.Interop;
using Myopia.IO;
using Myopia.Models;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia export MODEL --format state-dict|safetensors --out FILE</c>: a Myopia model (or any model
/// spec with layers) as a file PyTorch loads, with a model card beside it and the Python that loads it.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "state-dict (torch.save pickle, .pt/.pth) or safetensors", DefaultValueFactory = _ => "state-dict" };
        format.AcceptOnlyFromAmong("state-dict", "safetensors");
        var output = new Option<string>("--out") { Description = "the file to write (its model card goes beside it as FILE.json)", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace FILE if it exists (otherwise an existing file is never touched)" };
        var json = CommonOptions.Json();
        var command = new Command("export", "Write a model's weights for PyTorch (state_dict or safetensors, torchvision parameter names where the architecture has them) and print the Python that loads them.")
        {
            format, output, overwrite, json,
        };
        var model = new ModelSpecOptions(asArgument: true).AddTo(command);
        command.SetAction(parse =>
        {
            var given = parse.GetValue(output)!;
            if (Directory.Exists(given)) throw new MyopiaException($"--out {given} is a folder; give a file name such as model.pth");
            var path = OutputFolder.ResolveFile(given);
            var cardPath = path + ".json";
            if (!parse.GetValue(overwrite))
                foreach (var existing in new[] { path, cardPath }.Where(File.Exists))
                    throw new MyopiaException($"{existing} exists; choose another --out or add --overwrite");
            var exportFormat = parse.GetValue(format) == "safetensors" ? ExportFormat.Safetensors : ExportFormat.StateDict;
            using var classifier = model.Load(parse);
            var network = classifier.RequireLayers("export");
            ModelExport.Write(network, exportFormat, path);
            var card = ExportedCard(classifier);
            JsonOutput.WriteFile(cardPath, card);
            var options = classifier.Card.Options ?? new ModelOptions(classifier.Preprocessing.Classes, classifier.Preprocessing.Channels);
            var snippet = ModelExport.PythonSnippet(classifier.Card.Architecture, options, exportFormat, path);
            if (parse.GetValue(json))
            {
                JsonOutput.Print(new { file = path, card = cardPath, format = parse.GetValue(format), architecture = classifier.Card.Architecture, python = snippet });
                return 0;
            }
            Console.Error.WriteLine($"wrote {path} and its model card {cardPath}");
            Console.Error.WriteLine("load it in PyTorch with:");
            Console.WriteLine(snippet);
            return 0;
        });
        return command;
    }

    /// <summary>Everything needed to use the weights again, in the shape the loader reads back.</summary>
    private static object ExportedCard(Classifier c)
    {
        var o = c.Card.Options;
        return new
        {
            architecture = c.Card.Architecture,
            options = new
            {
                classes = c.Preprocessing.Classes, channels = c.Preprocessing.Channels,
                stem = o is null ? null : ModelRegistry.Resolve(c.Card.Architecture, o).Stem is { } s ? StemNames.Name(s) : null,
                antialias = o?.Antialias ?? 0,
            },
            class_names = c.Preprocessing.ClassNames,
            normalization = new { mean = c.Preprocessing.Normalization.Mean, std = c.Preprocessing.Normalization.Std },
            input_size = new[] { c.Preprocessing.Channels, c.Preprocessing.Height, c.Preprocessing.Width },
            tile = c.Card.Tile,
            dataset = c.Card.Dataset,
            exported_from = c.Card.Source,
            parameters = c.Card.Parameters,
        };
    }
}
