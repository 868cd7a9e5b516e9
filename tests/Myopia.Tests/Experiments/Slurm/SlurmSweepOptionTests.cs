using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Experiments.Slurm;

/// <summary>What <c>sweep --executor slurm</c> asks of Slurm (seen through --dry-run, which needs no cluster), and the options it refuses.</summary>
public sealed class SlurmSweepOptionTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("myopia-slurm-options-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string[] Sweep(params string[] more) =>
        ["sweep", "--data", "synthetic:train_count=64,test_count=32,image_size=16,motif_size=4", "--tiles", "8,12,full", "--epochs", "1",
         "--out", Path.Combine(root, "sweep"), .. more];

    [Fact]
    public void DryRunPrintsOneArrayScriptWithTheRequestedResourcesAndSubmitsNothing()
    {
        var o = CliProcess.Run(Sweep("--executor", "slurm", "--dry-run", "--partition", "gpu", "--time", "1-12:00:00", "--mem", "8G", "--gpus", "a100:1",
            "--threads", "2", "--jobs", "2", "--sbatch-arg=--account=lab", "--sbatch-arg=--qos=long"));
        Assert.True(o.ExitCode == 0, o.Stderr);
        var script = o.Stdout;
        Assert.StartsWith("#!/bin/bash\n", script);
        foreach (var line in new[] { "#SBATCH --array=0,1,2%2", "#SBATCH --partition=gpu", "#SBATCH --time=1-12:00:00", "#SBATCH --mem=8G", "#SBATCH --gpus=a100:1",
                     "#SBATCH --cpus-per-task=2", "#SBATCH --signal=B:USR2@90", "#SBATCH --requeue", "#SBATCH --account=lab", "#SBATCH --qos=long",
                     "runs=(smallcnn-t8-s1 smallcnn-t12-s1 smallcnn-full-s1)" })
            Assert.Contains(line + "\n", script);
        Assert.Contains("sweep-task --out " + Path.Combine(root, "sweep") + " --index \"$SLURM_ARRAY_TASK_ID\"", script);
        Assert.Contains("--device cuda", script);
        Assert.False(File.Exists(Path.Combine(root, "sweep", "sweep.json")), "a dry run wrote the sweep");
        Assert.False(Directory.Exists(Path.Combine(root, "sweep", "slurm")));
    }

    [Theory]
    [InlineData("--executor slurm --time soon", "--time: 'soon' is not a Slurm time limit")]
    [InlineData("--executor slurm --mem lots", "--mem: 'lots'")]
    [InlineData("--executor slurm --gpus 0", "--gpus: '0' is not a GPU count")]
    [InlineData("--executor slurm --partition a;b", "--partition: 'a;b'")]
    [InlineData("--executor slurm --sbatch-arg=account", "--sbatch-arg: 'account' is not one sbatch option")]
    [InlineData("--executor pbs", "'pbs' not recognized")]
    [InlineData("--partition gpu", "--partition is an option of --executor slurm")]
    [InlineData("--no-wait", "--no-wait is an option of --executor slurm")]
    public void BadClusterOptionsAreOneErrorLineAndExit2(string options, string expected)
    {
        var o = CliProcess.Run(Sweep(options.Split(' ')));
        Assert.Equal(2, o.ExitCode);
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[^1]);
        Assert.Contains(expected, lines[^1]);
        Assert.DoesNotContain("   at ", o.Stderr);
    }

    [Fact]
    public void StatusOfAFolderWithoutASlurmSweepIsAnError()
    {
        var none = CliProcess.Run("sweep", "--status", Path.Combine(root, "nothing"));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no sweep there", none.Stderr);
        Assert.Equal(2, CliProcess.Run("sweep").ExitCode); // neither --out nor --status
    }
}
