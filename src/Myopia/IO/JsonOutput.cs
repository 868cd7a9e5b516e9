using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myopia.IO;

/// <summary>The one JSON style of the project: camelCase-free snake_case keys, indented files, compact stdout.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions File = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static readonly JsonSerializerOptions Compact = new(File) { WriteIndented = false };

    public static string Serialize<T>(T value, bool indented = true) =>
        JsonSerializer.Serialize(value, indented ? File : Compact);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, File) ?? throw new MyopiaException("empty JSON document");

    public static void WriteFile<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    /// <summary>Prints the figures of a command as one JSON object on stdout (the --json contract).</summary>
    public static void Print<T>(T value) => Console.Out.WriteLine(Serialize(value, indented: false));
}
