using Myopia.Data.Sources;

namespace Myopia.Data.Formats;

/// <summary>
/// Reads one official on-disk layout. The same reader serves a folder and an archive: the
/// loader asks which files it <see cref="Wants"/> (by file name), where its layout sits among the
/// paths found (<see cref="FindRoot"/>), and then hands it the files to decode.
/// </summary>
public interface IDatasetReader
{
    /// <summary>Short format id, e.g. "cifar10-binary".</summary>
    string Format { get; }

    /// <summary>What the layout looks like, for "not found" messages.</summary>
    string Layout { get; }

    /// <summary>Whether a file (relative path, '/' separators) belongs to this layout.</summary>
    bool Wants(string path);

    /// <summary>The folder prefix ("" or "dir/sub/") holding the layout among <paramref name="paths"/>, or null.</summary>
    string? FindRoot(IReadOnlyList<string> paths);

    /// <summary>Decodes the train and test splits found under <paramref name="root"/>.</summary>
    DecodedDataset Read(FileSet files, string root, Action<string>? log = null);
}
