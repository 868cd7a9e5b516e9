using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Myopia.IO;

namespace Myopia.Benchmarks;

/// <summary>The JSON line shift_peer.py prints.</summary>
public sealed record ShiftPeerResult(
    string Peer,
    [property: JsonPropertyName("torch")] string TorchVersion,
    string Model,
    int Tile,
    int Embed,
    int Images,
    int Views,
    long Pairs,
    int Batch,
    double Seconds,
    [property: JsonPropertyName("pairs_per_s")] double PairsPerSecond,
    double PChange,
    double Mac,
    long Params,
    int Threads);

/// <summary>
/// Runs shift_peer.py (PyTorch doing the arithmetic of <see cref="Analysis.ShiftStudy.ShiftSensitivity"/> on
/// Azulay's black embedding) in a child process on Debian's system interpreter and reads its JSON line.
/// The script ships in the repository (src/Myopia/Benchmarks/Peers/) and the build copies it to
/// <c>peers/shift_peer.py</c> beside the assemblies; its ResNets come from the shared
/// torch_reference.py (found as <see cref="PytorchPeer.FindScript"/> does), its vggsmall is defined in it.
/// The child inherits the environment, OMP_WAIT_POLICY included.
/// </summary>
public sealed class ShiftPeer(string script, string python = PytorchPeer.SystemPython, string? reference = null)
{
    public const string ScriptName = "shift_peer.py";

    /// <summary>The networks the peer builds: vggsmall itself, the ResNets from torch_reference.py.</summary>
    public static readonly IReadOnlySet<string> Models = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "vggsmall", "resnet18", "resnet9" };

    /// <summary>The protocol whose views the peer builds.</summary>
    public const string Protocol = "azulay-black";

    public string Script => script;
    public string Python => python;
    public string? Reference => reference;

    /// <summary>peers/shift_peer.py beside the assemblies, else src/Myopia/Benchmarks/Peers/shift_peer.py above <paramref name="start"/>.</summary>
    public static string? FindScript(string? start = null) => PeerScript.Find(ScriptName, start);

    /// <summary>The default peer: the shipped script, the shared torch_reference.py, Debian's python3.</summary>
    public static ShiftPeer Locate(string python = PytorchPeer.SystemPython)
    {
        var (script, reference) = PeerScript.Locate(ScriptName);
        return new(script, python, reference);
    }

    /// <summary>Why the peer cannot run these settings here (one line), or null when it can.</summary>
    public string? CannotRun(string model, string protocol, int channels = 3)
    {
        if (!Models.Contains(model)) return $"the PyTorch shift peer builds only {string.Join(", ", Models.Order())}, not {model}";
        if (!string.Equals(protocol, Protocol, StringComparison.OrdinalIgnoreCase)) return $"the PyTorch shift peer builds the {Protocol} views only, not {protocol}";
        if (channels != 3) return "the PyTorch shift peer builds RGB networks only";
        if (!File.Exists(script)) return $"PyTorch shift peer script not found: {script}";
        if (!model.Equals("vggsmall", StringComparison.OrdinalIgnoreCase) && (reference is null || !File.Exists(reference)))
            return $"{model} comes from ../{PytorchPeer.ScriptRelativePath}, which was not found";
        return PeerScript.CannotImportTorch(python);
    }

    /// <summary>One timed run; throws <see cref="PeerUnavailableException"/> when the peer fails.</summary>
    public ShiftPeerResult Run(string model, int tile, int embed, int images, int batch, int threads, int classes, long seed, float[] mean, float[] std)
    {
        var arguments = new List<string>
        {
            "--model", model.ToLowerInvariant(), "--tile", $"{tile}", "--embed", $"{embed}", "--images", $"{images}",
            "--batch", $"{batch}", "--threads", $"{threads}", "--classes", $"{classes}", "--seed", $"{seed}",
        };
        if (reference is not null) arguments.AddRange(["--reference", reference]);
        arguments.Add("--mean");
        arguments.AddRange(mean.Select(m => m.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        arguments.Add("--std");
        arguments.AddRange(std.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        return PeerScript.Run<ShiftPeerResult>(python, script, arguments, "shift");
    }

    /// <summary>Reads the peer's JSON line.</summary>
    public static ShiftPeerResult Parse(string line) => PeerScript.Parse<ShiftPeerResult>(line, "shift");
}
