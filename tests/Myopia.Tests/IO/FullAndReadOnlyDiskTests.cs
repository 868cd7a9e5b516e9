using Myopia.IO;
using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.IO;

/// <summary>
/// A disk that fills up or a file system that is read-only is the machine's problem, not a bug: one
/// error line and exit 2, files written before left whole, no temporary files left behind, and a
/// read-only --out refused before any data is read or any training starts.
/// </summary>
public class FullAndReadOnlyDiskTests
{
    private static void AssertOneLineError(CliProcess.Outcome o, string fragment, string what)
    {
        string run = $"{what}\nexit {o.ExitCode}\nstderr:\n{o.Stderr}";
        Assert.True(o.ExitCode == 2, run);
        Assert.DoesNotContain("   at ", o.Stderr);
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Count(l => l.StartsWith("error: ")) == 1, run);
        Assert.True(lines[^1].StartsWith("error: ") && lines[^1].Contains(fragment), run);
    }

    [MountFact]
    public void AFullDiskIsOneErrorLineAndLeavesThePreviousFilesWhole()
    {
        using var disk = new TmpfsMount("256k");
        var first = CliProcess.Run("theory", "patch", "--step", "0.1", "--out", disk.Path);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var csv = Path.Combine(disk.Path, "err-cifar10.csv");
        var before = File.ReadAllText(csv);

        // 160,000 rows (about 3 MB) do not fit in what is left of 256 kB.
        var full = CliProcess.Run("theory", "patch", "--step", "0.0002", "--out", disk.Path);

        AssertOneLineError(full, "disk full", "theory patch --step 0.0002 onto a 256 kB tmpfs");
        Assert.Equal(before, File.ReadAllText(csv));
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp*"));
    }

    [MountFact]
    public void AnAtomicWriteThatRunsOutOfSpaceDeletesItsTemporaryFileAndKeepsTheOldOne()
    {
        using var disk = new TmpfsMount("64k");
        var path = Path.Combine(disk.Path, "figures.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);

        var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes(path, new byte[1 << 20]));

        Assert.Equal(28, e.HResult & 0xFFFF); // ENOSPC, what CliRunner turns into "disk full"
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(disk.Path));
    }

    public static TheoryData<string> Commands() => new()
    {
        "train --epochs 1 --train-limit 50 --test-limit 20",
        "sweep --epochs 1 --tiles 8 --train-limit 50 --test-limit 20",
        "eval --model smallcnn --data synthetic --test-limit 20",
        "heatmap --model smallcnn --data synthetic --test-limit 2",
        "agreement --model smallcnn --data synthetic --tiles 8 --test-limit 5",
        "theory patch",
        "linear run --steps-cnn 10 --steps-fcnn 10",
        "linear sweep-init --steps-cnn 10 --epsilons 1e-3",
        "demo --epochs 1 --train-limit 50",
    };

    [MountTheory]
    [MemberData(nameof(Commands))]
    public void AReadOnlyOutIsRefusedBeforeAnyWork(string command)
    {
        using var disk = new TmpfsMount("64k", readOnly: true);
        var args = command.Split(' ').Concat(["--out", Path.Combine(disk.Path, "results")]).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var o = CliProcess.Run(args);
        AssertOneLineError(o, "cannot write into --out", command);
        Assert.DoesNotContain(" test images", o.Stderr); // no dataset was loaded
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{command} took {clock.Elapsed.TotalSeconds:F0} s before refusing");
    }

    [MountFact]
    public void ExportToAReadOnlyFolderIsRefusedBeforeLoadingTheModel()
    {
        using var disk = new TmpfsMount("64k", readOnly: true);
        var o = CliProcess.Run("export", "resnet18", "--out", Path.Combine(disk.Path, "model.pth"));
        AssertOneLineError(o, "cannot write into --out", "export to a read-only tmpfs");
        Assert.DoesNotContain("note: weights", o.Stderr);
    }
}
