using System.CommandLine;
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

    /// <summary>
    /// The one place a MODEL argument becomes a network. Today a registry name, built untrained for
    /// 10 classes with the input's channels; a model spec (run folder, checkpoint, .pt, .safetensors,
    /// TorchScript) plugs in here.
    /// </summary>
    private static nn.Module ResolveModel(string spec, ImageShape input) => ModelRegistry.Create(spec, Classes, input.Channels);

    /// <summary>The input a MODEL is inspected on when --input is not given: RGB at the side its architecture was designed for.</summary>
    private static ImageShape DefaultInput(string spec) => ImageShape.Square(3, ModelRegistry.Info(spec).DefaultInputSide);

    private static Command Inspect()
    {
        var model = new Argument<string>("model") { Description = $"a network name: {string.Join(", ", ModelRegistry.Names)}" };
        var input = new Option<string?>("--input") { Description = "input image shape CxHxW, e.g. 3x32x32 (default: 3 channels at the side the network was designed for)" };
        var json = CommonOptions.Json();
        var command = new Command("inspect", "every leaf layer in forward order: type, output shape, own parameters, receptive field and cumulative stride, then totals");
        command.Arguments.Add(model);
        command.Options.Add(input);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var spec = parse.GetValue(model)!;
            var text = parse.GetValue(input);
            var shape = text is null ? DefaultInput(spec) : ImageShape.Parse(text);
            using var network = ResolveModel(spec, shape);
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
