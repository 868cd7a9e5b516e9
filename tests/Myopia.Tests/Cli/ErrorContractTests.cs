using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Cli;

/// <summary>Bad input gives one clear error line on stderr and exit code 2, never a stack trace.</summary>
public class ErrorContractTests
{
    private static void AssertOneLineError(CliProcess.Outcome o, string expectedFragment)
    {
        Assert.Equal(2, o.ExitCode);
        // Status lines (e.g. what data was loaded) may come first; exactly one error line, and it is the last.
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("error: "));
        Assert.StartsWith("error: ", lines[^1]);
        Assert.Contains(expectedFragment, lines[^1]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public void UnknownOptionIsAUsageError() =>
        AssertOneLineError(CliProcess.Run("train", "--bogus"), "--bogus");

    [Fact]
    public void UnknownModelIsRejected() =>
        AssertOneLineError(CliProcess.Run("train", "--model", "resnet999", "--epochs", "1"), "unknown model");

    [Fact]
    public void MissingCheckpointIsRejected() =>
        AssertOneLineError(CliProcess.Run("eval", "--checkpoint", "/nonexistent/checkpoint.pt"), "not found");

    [Fact]
    public void CorruptCheckpointIsRejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"myopia-corrupt-{Guid.NewGuid():N}.pt");
        File.WriteAllBytes(path, new byte[1000]);
        try { AssertOneLineError(CliProcess.Run("eval", "--checkpoint", path), "not a model file"); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void NegativeEpochsAreRejected() =>
        AssertOneLineError(CliProcess.Run("train", "--epochs=-3"), "--epochs");

    [Fact]
    public void ZeroEpochsAreRejected() =>
        AssertOneLineError(CliProcess.Run("train", "--epochs", "0"), "--epochs");

    [Theory]
    [InlineData("--test-limit", "0")]
    [InlineData("--test-limit=-5", null)]
    [InlineData("--train-limit", "0")]
    public void ImageLimitsBelowOneAreRejected(string option, string? value) =>
        AssertOneLineError(CliProcess.Run(value is null ? ["train", option] : ["train", option, value]), "must be at least 1");

    [Fact]
    public void EvalWithABatchOfZeroIsRejected() =>
        AssertOneLineError(CliProcess.Run("eval", "--model", "smallcnn", "--data", "synthetic", "--batch", "0"), "--batch");

    [Fact]
    public void OutNamingAnExistingFileIsRejected()
    {
        var file = Path.GetTempFileName();
        try { AssertOneLineError(CliProcess.Run("theory", "patch", "--out", file), "existing file"); }
        finally { File.Delete(file); }
    }

    [Fact]
    public void CudaOnACpuOnlyBuildSaysWhichPackageToBuildWith() =>
        AssertOneLineError(CliProcess.Run("eval", "--model", "smallcnn", "--data", "synthetic", "--device", "cuda"), "TorchSharp-cuda");

    [Fact]
    public void MissingDataDirIsRejected() =>
        AssertOneLineError(CliProcess.Run("train", "--data", "cifar10", "--data-dir", "/nonexistent/cifar", "--epochs", "1"), "/nonexistent/cifar");

    [Fact]
    public void TileLargerThanTheImageIsRejected() =>
        AssertOneLineError(CliProcess.Run("train", "--data", "synthetic", "--tile", "64", "--epochs", "1", "--out", Path.Combine(Path.GetTempPath(), $"myopia-big-{Guid.NewGuid():N}")), "larger than");

    [Fact]
    public void UnknownSyntheticOptionIsRejected() =>
        AssertOneLineError(CliProcess.Run("train", "--data", "synthetic:motif_contrst=0.5", "--epochs", "1", "--out", Path.Combine(Path.GetTempPath(), $"myopia-syn-{Guid.NewGuid():N}")), "motif_contrst");

    [Fact]
    public void SweepOverAMissingDatasetStopsBeforeStartingRuns() =>
        AssertOneLineError(CliProcess.Run("sweep", "--data", "cifar10", "--data-dir", "/nonexistent/cifar", "--out", Path.Combine(Path.GetTempPath(), $"myopia-sweep-{Guid.NewGuid():N}")), "not found");
}
