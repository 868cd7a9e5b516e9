using System.Text;
using Myopia.IO;

namespace Myopia.Training;

/// <summary>The files of one training run and how they are written (always atomically).</summary>
public sealed class RunFolder
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
    public string Checkpoint => Combine(Training.Checkpoint.FileName);
    public string BestCheckpoint => Combine(Training.Checkpoint.BestFileName);
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void WriteMetrics(IEnumerable<EpochMetrics> history)
    {
        var csv = new StringBuilder(EpochMetrics.CsvHeader).Append('\n');
        foreach (var row in history) csv.Append(row.ToCsv()).Append('\n');
        AtomicFile.WriteAllText(Metrics, csv.ToString());
    }
}
