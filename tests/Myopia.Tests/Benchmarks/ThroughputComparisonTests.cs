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
    public void InterleavesPeersVariantByVariantAndReportsRatiosOfMedians()
    {
        // Echoes its own arguments back, so the test also sees that the settings were passed on; BF16 is
        // three times faster than FP32 and channels-last twice as fast again, so the best variants are known.
        var peer = FakePeer("""
            echo "some warning on stdout first"
            f=1; case "$*" in *bf16*) f=3;; esac; case "$*" in *channels-last*) f=$((f*2));; esac
            echo "{\"peer\": \"pytorch\", \"torch\": \"9.9\", \"model\": \"$2\", \"tile\": $4, \"batch\": $6, \"params\": 1, \"train_img_s\": $f, \"eval_img_s\": $((f*10)), \"threads\": ${12}}"
            """);
        var result = new ThroughputComparison(Tiny, peer, repeats: 3).Run();

        Assert.Equal(3 * 4 * 2, result.Runs.Count);
        // Myopia and PyTorch alternate, every variant of one side followed by the same variant of the other.
        for (int i = 0; i < result.Runs.Count; i += 2)
        {
            Assert.Equal(("myopia", "pytorch"), (result.Runs[i].Peer, result.Runs[i + 1].Peer));
            Assert.Equal(result.Runs[i].Variant, result.Runs[i + 1].Variant);
        }
        Assert.Equal(["fp32", "fp32 channels-last", "bf16", "bf16 channels-last"], result.Pytorch.Select(p => p.Variant));
        Assert.Equal(4, result.Myopia.Count);
        Assert.All(result.Pytorch, p => Assert.Equal(("resnet9", 8, 2, "9.9"), (p.Model, p.Tile, p.Batch, p.TorchVersion)));
        Assert.Equal(1.0, result.PytorchFp32!.TrainImgS);
        Assert.Equal(6.0, result.PytorchBf16BestTrain!.TrainImgS);
        Assert.Equal(60.0, result.PytorchBf16BestEval!.EvalImgS);
        var best = result.Myopia.Max(m => m.TrainImgS);
        Assert.Equal(Math.Round(best / 1.0, 3), result.TrainVsPytorchFp32);
        Assert.Equal(Math.Round(best / 6.0, 3), result.TrainVsPytorchBf16);
        Assert.Equal(Math.Round(result.Myopia.Max(m => m.EvalImgS) / 10.0, 3), result.EvalVsPytorchFp32);
        var medianOfFp32 = result.Runs.Where(r => r.Peer == "myopia" && r.Variant == "fp32").Select(r => r.TrainImgS).Order().ElementAt(1);
        Assert.Equal(Math.Round(medianOfFp32, 1), result.Myopia.Single(m => m.Variant == "fp32").TrainImgS);
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
        Assert.Empty(result.Pytorch);
        Assert.Null(result.TrainVsPytorchFp32);
        Assert.Contains("python3-torch", result.PeerNote);
        Assert.DoesNotContain('\n', result.PeerNote!);
        Assert.Equal(2 * 4, result.Runs.Count);
        Assert.All(result.Myopia, m => Assert.True(m.TrainImgS > 0));
    }

    [Fact]
    public void ModelsThePeerCannotBuildAreSkippedWithAReason()
    {
        var peer = FakePeer("exit 3");
        var result = new ThroughputComparison(Tiny with { Model = "lenet", Channels = 1 }, peer, repeats: 1).Run();
        Assert.Empty(result.Pytorch);
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
