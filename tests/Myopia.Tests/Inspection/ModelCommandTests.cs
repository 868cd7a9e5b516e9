using System.Text.Json;
using Myopia.Models;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Inspection;

/// <summary><c>myopia model inspect</c> as a user runs it.</summary>
public class ModelCommandTests
{
    [Fact]
    public void JsonHasEveryLayerAndTheTotals()
    {
        var o = CliProcess.Run("model", "inspect", "resnet18", "--input", "3x32x32", "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        var root = json.RootElement;
        using var model = ModelRegistry.Create("resnet18", 10);
        Assert.Equal(ModelRegistry.ParameterCount(model), root.GetProperty("parameters").GetInt64());
        Assert.Equal([1, 10], root.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt64()));
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(model.named_modules().Count(m => !m.module.children().Any()), layers.Select(l => l.GetProperty("name").GetString()!.Split('#')[0]).Distinct().Count());
        Assert.Equal(7, layers[0].GetProperty("receptive_field").GetInt32());
        Assert.All(layers, l => Assert.True(l.GetProperty("receptive_field").GetInt32() >= 1));
    }

    [Fact]
    public void TableListsLayersAndTotals()
    {
        var o = CliProcess.Run("model", "inspect", "smallcnn");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("receptive field", o.Stdout);
        Assert.Contains("Conv2d", o.Stdout);
        Assert.Contains("242,474", o.Stdout);
    }

    [Theory]
    [InlineData("3x0x32")]
    [InlineData("abc")]
    public void BadInputShapeIsOneErrorLine(string shape)
    {
        var o = CliProcess.Run("model", "inspect", "resnet18", "--input", shape);
        Assert.Equal(2, o.ExitCode);
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(shape, lines[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public void UnknownModelIsOneErrorLine()
    {
        var o = CliProcess.Run("model", "inspect", "resnet999");
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("error: model 'resnet999' not found", o.Stderr.Trim());
        Assert.Single(o.Stderr.Trim().Split('\n'));
    }
}
