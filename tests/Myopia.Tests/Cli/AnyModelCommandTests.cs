using System.Text.Json;
using Myopia.Classifiers;
using Myopia.Interop;
using Myopia.IO;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Myopia.Tests.Cli;

/// <summary>The analysis commands on a model that is not a Myopia run: a PyTorch state_dict with a model card.</summary>
[Collection(GlobalTorchState.Name)]
public class AnyModelCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("myopia-anymodel-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string StateDictWithCard()
    {
        manual_seed(11);
        using var model = ModelRegistry.Create("smallcnn", new ModelOptions(10));
        var file = Path.Combine(dir, "model.pth");
        ModelExport.Write(model, ExportFormat.StateDict, file);
        JsonOutput.WriteFile(Path.Combine(dir, "model-card.json"), new { architecture = "smallcnn", options = new { classes = 10 }, dataset = "synthetic", tile = 16 });
        return file;
    }

    [Fact]
    public void EvalOfAStateDictWritesEveryImagesPrediction()
    {
        var file = StateDictWithCard();
        var outDir = Path.Combine(dir, "eval");
        var o = CliProcess.Run("eval", "--model", file, "--test-limit", "20", "--save-predictions", "csv", "--out", outDir, "--json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var json = JsonDocument.Parse(o.Stdout);
        Assert.Equal("state_dict", json.RootElement.GetProperty("format").GetString());
        Assert.Equal("synthetic", json.RootElement.GetProperty("dataset").GetString()); // from the card
        double top1 = json.RootElement.GetProperty("results")[0].GetProperty("top1").GetDouble();
        var lines = File.ReadAllLines(Path.Combine(outDir, "predictions.csv"));
        Assert.Equal(21, lines.Length);
        Assert.StartsWith("index,label,prediction,logit_", lines[0]);
        int correct = 0;
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            var logits = fields.Skip(3).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(10, logits.Length);
            Assert.Equal(Array.IndexOf(logits, logits.Max()), int.Parse(fields[2]));
            if (fields[1] == fields[2]) correct++;
        }
        Assert.Equal(correct / 20.0, top1, 9);
        Assert.Contains("note: normalization: the mean and std of synthetic", o.Stderr);
    }

    [Fact]
    public void ExportWritesAFileTheLoaderReadsBackAndNeverOverwrites()
    {
        var file = StateDictWithCard();
        var target = Path.Combine(dir, "out", "model.safetensors");
        var o = CliProcess.Run("export", file, "--format", "safetensors", "--out", target);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("# 'smallcnn' as exported is Myopia's own network", o.Stdout);
        Assert.True(File.Exists(target + ".json"));
        using var original = ClassifierLoader.Load(file, new ClassifierOptions(Normalization: new Myopia.Data.Normalization([0f, 0f, 0f], [1f, 1f, 1f])));
        using var exported = ClassifierLoader.Load(target);
        Assert.Equal(ModelFormat.Safetensors, exported.Card.Format);
        Assert.Equal(16, exported.Card.Tile);
        using var x = randn(2, 3, 32, 32);
        using (original.EvalMode())
        using (exported.EvalMode())
        using (var a = original.Logits(x))
        using (var b = exported.Logits(x))
            Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());

        var before = File.ReadAllBytes(target);
        var again = CliProcess.Run("export", file, "--format", "safetensors", "--out", target);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists", again.Stderr);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public void ATorchScriptModelIsRefusedByLayerCommandsWithTheReason()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inspection", "Assets", "linrelu.script.dat");
        var o = CliProcess.Run("model", "inspect", path, "--classes", "4");
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("error: model inspect needs the network's layers", o.Stderr);
    }
}
