using System.Text;

namespace Myopia.IO;

/// <summary>
/// Writes files so that a reader (or a crash) never sees half a file: write a temporary file in
/// the same folder, then rename it over the target (rename is atomic within one file system).
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeToTemp)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + $".tmp{Environment.ProcessId}";
        try
        {
            writeToTemp(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, temp => File.WriteAllText(temp, text, new UTF8Encoding(false)));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));
}
