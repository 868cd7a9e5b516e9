using System.CommandLine;
using Myopia.Classifiers;
using Myopia.Inspection;
using Myopia.Models;
using Myopia.IO;
using Spectre.Console;
using static TorchSharp.torch;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia model inspect MODEL</c>: a network's layers in forward order, with shapes, parameters, receptive fields and strides.</summary>
public static class ModelCommand
{
    private const int Classes = 10;

    public static Command Create()
    {
        var command = new Command("model", "look inside a network");
        command.Subcommands.Add(Inspect());
        return command;
    }

    private static Command Inspect()
    {
        var json = CommonOptions.Json();
        var command = new Command("inspect", "every leaf layer in forward order: type, output shape, own parameters, receptive field and cumulative stride, then totals");
        var model = new ModelSpecOptions(asArgument: true).AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var spec = model.Spec(parse);
            var options = model.Options(parse);
            if (ClassifierLoader.KindOf(spec) == ModelSpecKind.Registry)
            {
                // A bare architecture: 10 classes unless told, at the side it was designed for.
                options = options with
                {
                    Classes = options.Classes ?? Classes,
                    InputShape = options.InputShape ?? ImageShape.Square(3, ModelRegistry.Info(spec).DefaultInputSide).Tuple,
                };
            }
            using var classifier = model.Load(parse, options);
            var network = classifier.RequireLayers("model inspect");
            var p = classifier.Preprocessing;
            var shape = new ImageShape(p.Channels, p.Height, p.Width);
            var summary = ModelInspector.Inspect(network, shape);
            if (parse.GetValue(json)) JsonOutput.Print(summary);
            else Print(summary);
            return 0;
        });
        return command;
    }

    private static void Print(ModelSummary s)
    {
        // Piped output has no terminal width; keep one row per layer rather than wrapping at 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        var table = new Table().AddColumns("layer", "type", "output shape", "params", "receptive field", "stride");
        foreach (var c in table.Columns.Skip(3)) c.RightAligned();
        foreach (var layer in s.Layers)
            table.AddRow(
                new Text(layer.Shortcut ? $"{layer.Name} (shortcut)" : layer.Name), new Text(layer.Type), new Text(Shape(layer.OutputShape)),
                new Text(layer.Parameters.ToString("N0")), new Text(layer.ReceptiveField.ToString()),
                new Text(layer.Stride?.ToString() ?? "global"));
        AnsiConsole.Write(table);
        Console.WriteLine($"{s.Model}: input {Shape(s.InputShape)}, output {Shape(s.OutputShape)}, {s.Layers.Count} layer calls");
        Console.WriteLine($"parameters: {s.Parameters:N0} ({s.TrainableParameters:N0} trainable), buffers: {s.BufferElements:N0} elements");
    }

    private static string Shape(long[] shape) => string.Join("x", shape);
}
