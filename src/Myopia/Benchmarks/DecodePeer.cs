using System.Text.Json.Serialization;

namespace Myopia.Benchmarks;

/// <summary>The JSON line decode_peer.py prints.</summary>
public sealed record DecodePeerResult(
    string Peer,
    [property: JsonPropertyName("torch")] string TorchVersion,
    [property: JsonPropertyName("torchvision")] string TorchvisionVersion,
    int Images,
    int SplitImages,
    int Batch,
    int Workers,
    double Seconds,
    [property: JsonPropertyName("images_per_s")] double ImagesPerSecond,
    long Checksum);

/// <summary>
/// Runs decode_peer.py (torchvision's ImageFolder, Resize, CenterCrop and a DataLoader over the same
/// evenly spaced photos) in a child process on Debian's system interpreter and reads its JSON line.
/// The script ships in the repository (src/Myopia/Benchmarks/Peers/) and the build copies it to
/// <c>peers/decode_peer.py</c> beside the assemblies.
/// </summary>
public sealed class DecodePeer(string script, string python = PytorchPeer.SystemPython)
{
    public const string ScriptName = "decode_peer.py";

    public string Script => script;
    public string Python => python;

    /// <summary>The default peer: the shipped script on Debian's python3.</summary>
    public static DecodePeer Locate(string python = PytorchPeer.SystemPython) => new(PeerScript.Locate(ScriptName).Script, python);

    /// <summary>Why the peer cannot run here (one line), or null when it can.</summary>
    public string? CannotRun() =>
        File.Exists(script) ? PeerScript.CannotImportTorch(python) : $"PyTorch decode peer script not found: {script}";

    /// <summary>One timed pass over the photos; throws <see cref="PeerUnavailableException"/> when the peer fails.</summary>
    public DecodePeerResult Run(string root, string split, int images, int batch, int workers, int resize, int crop, string interpolation)
    {
        string[] arguments =
        [
            "--root", root, "--split", split, "--images", $"{images}", "--batch", $"{batch}", "--workers", $"{workers}",
            "--resize", $"{resize}", "--crop", $"{crop}", "--interpolation", interpolation,
        ];
        try
        {
            return PeerScript.Run<DecodePeerResult>(python, script, arguments, "decode");
        }
        catch (PeerUnavailableException e) when (e.Message.Contains("No module named 'torchvision'"))
        {
            // torch alone passes CannotRun; say which package is missing rather than quoting the traceback.
            throw new PeerUnavailableException($"python3-torchvision is missing ({python} cannot import torchvision): apt-get install python3-torchvision");
        }
    }

    /// <summary>Reads the peer's JSON line.</summary>
    public static DecodePeerResult Parse(string line) => PeerScript.Parse<DecodePeerResult>(line, "decode");
}
