using System.Text;
using System.Text.RegularExpressions;
using Myopia.IO;

namespace Myopia.Training;

/// <summary>The files of one training run and how they are written (always atomically).</summary>
public sealed partial class RunFolder
{
    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
    public string Config => Combine("config.json");
    public string Metrics => Combine("metrics.csv");
    public string Summary => Combine("summary.json");
    public string Report => Combine("report.md");
    public string Curves => Combine("curves.png");
    public string Checkpoint => Combine(Training.Checkpoint.FileName);
    public string BestCheckpoint => Combine(Training.Checkpoint.BestFileName);
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The files a training run writes, all replaced when a run starts over (<c>--force</c>).</summary>
    public IEnumerable<string> RunFiles => [Checkpoint, BestCheckpoint, Metrics, Summary, Report, Curves, Config];

    /// <summary>True when the folder already holds a run (a checkpoint or a config).</summary>
    public bool HoldsARun => File.Exists(Checkpoint) || File.Exists(Config);

    public void WriteMetrics(IEnumerable<EpochMetrics> history)
    {
        var csv = new StringBuilder(EpochMetrics.CsvHeader).Append('\n');
        foreach (var row in history) csv.Append(row.ToCsv()).Append('\n');
        AtomicFile.WriteAllText(Metrics, csv.ToString());
    }

    /// <summary>
    /// Deletes the temporary files (<c>NAME.tmpPID</c>, see <see cref="AtomicFile"/>) that a process killed
    /// mid-write left behind. Only those of processes no longer running: the caller holds the run's lock,
    /// so no live process writes here. Returns the names removed.
    /// </summary>
    public List<string> RemoveStaleTemporaryFiles()
    {
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path))
        {
            var match = TemporaryName().Match(System.IO.Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups[1].Value, out var pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            File.Delete(file);
            removed.Add(System.IO.Path.GetFileName(file));
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\.tmp(\d+)$")]
    private static partial Regex TemporaryName();
}
