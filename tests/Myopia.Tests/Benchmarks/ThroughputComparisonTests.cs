using Myopia.Benchmarks;

namespace Myopia.Tests.Benchmarks;

/// <summary>
/// The comparison against a stand-in peer: a shell script that prints the reference script's JSON
/// line with fixed figures, so the ratios and the error paths can be checked without PyTorch.
/// </summary>
public sealed class ThroughputComparisonTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("myopia-bench-").FullName;

    private static readonly ThroughputOptions Tiny = new() { Model = "resnet9", Tile = 8, Batch = 2, Steps = 1, Warmup = 0 };

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private PytorchPeer FakePeer(string body)
    {
        var script = Path.Combine(folder, "peer.sh");
        File.WriteAllText(script, body);
        return new PytorchPeer(script, python: "/bin/sh");
    }

    [Fact]
    public void AlternatesPeersAndReportsMedianRatios()
    {
        // Echoes its own arguments back, so the test also sees that the settings were passed on.
        var peer = FakePeer("""
            echo "some warning on stdout first"
            echo "{\"peer\": \"pytorch\", \"torch\": \"9.9\", \"model\": \"$2\", \"tile\": $4, \"batch\": $6, \"params\": 1, \"train_img_s\": 0.5, \"eval_img_s\": 2.0, \"threads\": ${12}}"
            """);
        var result = new ThroughputComparison(Tiny, peer, repeats: 3).Run();

        Assert.Equal(3, result.Runs.Count);
        Assert.All(result.Runs, r => Assert.NotNull(r.Pytorch));
        var p = result.Pytorch!;
        Assert.Equal(("pytorch", "resnet9", 8, 2, "9.9"), (p.Peer, p.Model, p.Tile, p.Batch, p.TorchVersion));
        Assert.Equal(result.Myopia.Threads, p.Threads);
        var expectedTrain = result.Runs.Select(r => r.Myopia.TrainImgS / 0.5).Order().ElementAt(1);
        Assert.Equal(Math.Round(expectedTrain, 3), result.TrainRatio);
        Assert.Equal(Math.Round(result.Runs.Select(r => r.Myopia.EvalImgS / 2.0).Order().ElementAt(1), 3), result.EvalRatio);
        Assert.Null(result.PeerNote);
    }

    [Fact]
    public void MissingTorchIsOneLineAndMyopiasFiguresRemain()
    {
        var peer = FakePeer("""
            echo "Traceback (most recent call last):" >&2
            echo "ModuleNotFoundError: No module named 'torch'" >&2
            exit 1
            """);
        var result = new ThroughputComparison(Tiny, peer, repeats: 2).Run();
        Assert.Null(result.Pytorch);
        Assert.Null(result.TrainRatio);
        Assert.Contains("python3-torch", result.PeerNote);
        Assert.DoesNotContain('\n', result.PeerNote!);
        Assert.Equal(2, result.Runs.Count);
        Assert.True(result.Myopia.TrainImgS > 0);
    }

    [Fact]
    public void ModelsThePeerCannotBuildAreSkippedWithAReason()
    {
        var peer = FakePeer("exit 3");
        var result = new ThroughputComparison(Tiny with { Model = "lenet", Channels = 1 }, peer, repeats: 1).Run();
        Assert.Null(result.Pytorch);
        Assert.Contains("resnet18", result.PeerNote);
    }

    [Fact]
    public void MissingInterpreterIsReported()
    {
        var peer = new PytorchPeer(Path.Combine(folder, "x.py"), python: Path.Combine(folder, "no-python"));
        File.WriteAllText(Path.Combine(folder, "x.py"), "");
        var e = Assert.Throws<PeerUnavailableException>(() => peer.Run(Tiny, 1));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void FindsTheSharedScriptFromADeeperFolder()
    {
        var scriptDir = Directory.CreateDirectory(Path.Combine(folder, "shared", "peers")).FullName;
        File.WriteAllText(Path.Combine(scriptDir, "torch_reference.py"), "");
        var deep = Directory.CreateDirectory(Path.Combine(folder, "wt", "models", "src")).FullName;
        Assert.Equal(Path.Combine(scriptDir, "torch_reference.py"), PytorchPeer.FindScript(deep));
    }
}
