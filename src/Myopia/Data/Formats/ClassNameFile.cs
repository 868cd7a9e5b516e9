using System.Text;

namespace Myopia.Data.Formats;

/// <summary>Class names stored one a line (batches.meta.txt, fine_label_names.txt, class_names.txt, wnids.txt).</summary>
public static class ClassNameFile
{
    /// <summary>The non-empty trimmed lines; exactly <paramref name="expected"/> of them when given.</summary>
    public static IReadOnlyList<string> Parse(byte[] bytes, string fileName, int? expected = null)
    {
        var names = Encoding.UTF8.GetString(bytes)
            .Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)
            .ToList();
        if (expected is { } n && names.Count != n)
            throw new MyopiaException($"{fileName}: {names.Count} class names, expected {n}");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new MyopiaException($"{fileName}: class names are not unique");
        return names;
    }
}
