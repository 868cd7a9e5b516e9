using Myopia.IO;

namespace Myopia.Cli.Slurm;

/// <summary>
/// The job arrays submitted for a sweep, kept in its folder (slurm/submissions.json), so that a
/// re-run or <c>sweep --status</c> finds the tasks of earlier submissions without accounting.
/// </summary>
public sealed record SlurmSubmission(string JobId, int[] Indices, string[] Runs, DateTime SubmittedUtc, string Script)
{
    public IEnumerable<SlurmTask> Tasks => Indices.Zip(Runs, (i, r) => new SlurmTask(JobId, i, r));
}

public static class SlurmSubmissions
{
    public const string Folder = "slurm";
    public const string FileName = "submissions.json";

    public static string PathIn(string sweepDir) => Path.Combine(sweepDir, Folder, FileName);

    public static List<SlurmSubmission> Read(string sweepDir)
    {
        var path = PathIn(sweepDir);
        if (!File.Exists(path)) return [];
        try { return JsonOutput.Deserialize<List<SlurmSubmission>>(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e) { throw new MyopiaException($"{path} is not a list of submissions: {e.Message}"); }
    }

    public static void Append(string sweepDir, SlurmSubmission submission)
    {
        var all = Read(sweepDir);
        all.Add(submission);
        JsonOutput.WriteFile(PathIn(sweepDir), all);
    }

    /// <summary>The latest task submitted for each run (a later submission replaces an earlier one).</summary>
    public static Dictionary<int, SlurmTask> LatestTasks(string sweepDir)
    {
        var latest = new Dictionary<int, SlurmTask>();
        foreach (var task in Read(sweepDir).SelectMany(s => s.Tasks)) latest[task.Index] = task;
        return latest;
    }
}
