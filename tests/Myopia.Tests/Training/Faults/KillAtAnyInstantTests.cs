using Myopia.Tests.Infrastructure;
using Myopia.Training;
using static TorchSharp.torch;

namespace Myopia.Tests.Training.Faults;

/// <summary>
/// The process is killed (SIGKILL, via the test-only MYOPIA_FAULT_KILL_AT) right after each of the epoch-end
/// writes of the final epoch; `train --resume` must then leave a folder equal to an uninterrupted run's:
/// the same weights in checkpoint.pt and best.pt, the same history and metrics.csv rows (timing aside).
/// </summary>
public class KillAtAnyInstantTests(TrainingRunFixture reference) : IClassFixture<TrainingRunFixture>
{
    [Theory]
    [InlineData("metrics")]
    [InlineData("best")]
    [InlineData("summary")]
    [InlineData("report")]
    [InlineData("checkpoint")]
    public void AKillAfterAnyEpochEndWriteLosesNothingOnResume(string killPoint)
    {
        var dir = Path.Combine(reference.Root, "killed-" + killPoint);
        var killed = CliProcess.RunWith(new Dictionary<string, string> { [FaultInjection.Variable] = killPoint }, null,
            [.. TrainingRunFixture.TrainArgs, "--out", dir]);
        Assert.Equal(137, killed.ExitCode); // 128 + SIGKILL: the process really died mid-way
        // A temporary file of the dead process, as a kill in the middle of an atomic write leaves it.
        var leftover = Path.Combine(dir, $"{Checkpoint.FileName}.tmp{killed.Pid}");
        File.WriteAllBytes(leftover, [1, 2, 3]);

        var resumed = CliProcess.Run("train", "--out", dir, "--resume");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.False(File.Exists(leftover));
        Assert.Contains($"removed {Path.GetFileName(leftover)}", resumed.Stderr);
        Assert.Contains("took over .myopia.lock", resumed.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, RunLock.FileName)));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
        AssertSameRun(reference.Straight, dir);
    }

    private static void AssertSameRun(string expectedDir, string actualDir)
    {
        AssertSameCheckpoint(Path.Combine(expectedDir, Checkpoint.FileName), Path.Combine(actualDir, Checkpoint.FileName));
        AssertSameCheckpoint(Path.Combine(expectedDir, Checkpoint.BestFileName), Path.Combine(actualDir, Checkpoint.BestFileName));
        Assert.Equal(WithoutTiming(Path.Combine(expectedDir, "metrics.csv")), WithoutTiming(Path.Combine(actualDir, "metrics.csv")));
        var summary = Myopia.IO.JsonOutput.Deserialize<TrainingResult>(File.ReadAllText(Path.Combine(actualDir, "summary.json")));
        Assert.False(summary.Interrupted);
        Assert.Equal(2, summary.CompletedEpochs);
        Assert.Equal(2, summary.History.Count);
        Assert.Contains("2 epochs in", File.ReadAllText(Path.Combine(actualDir, "report.md")));
        Assert.True(File.Exists(Path.Combine(actualDir, "curves.png")));
    }

    private static void AssertSameCheckpoint(string expectedPath, string actualPath)
    {
        var (expectedInfo, expectedModel) = Checkpoint.Load(expectedPath);
        var (actualInfo, actualModel) = Checkpoint.Load(actualPath);
        using (expectedModel)
        using (actualModel)
        {
            Assert.Equal(expectedInfo.CompletedEpochs, actualInfo.CompletedEpochs);
            Assert.Null(actualInfo.Partial);
            Assert.Equal(expectedInfo.History.Select(Untimed), actualInfo.History.Select(Untimed));
            var expected = expectedModel.state_dict();
            var actual = actualModel.state_dict();
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (name, tensor) in expected)
                Assert.True(tensor.Same(actual[name]), $"{Path.GetFileName(actualPath)}: {name} differs");
        }
    }

    private static EpochMetrics Untimed(EpochMetrics m) => m with { ImagesPerSecond = 0, Seconds = 0 };

    /// <summary>metrics.csv without its two timing columns (images_per_s, seconds).</summary>
    private static string[] WithoutTiming(string csv) =>
        File.ReadAllLines(csv).Select(line => string.Join(',', line.Split(',')[..^2])).ToArray();
}
