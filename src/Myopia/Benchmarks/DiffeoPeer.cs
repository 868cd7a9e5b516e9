using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using Myopia.IO;

namespace Myopia.Benchmarks;

/// <summary>The JSON line diffeo_peer.py prints (generator mode fills way, images and check; pass mode model, probes, nodes and R;
/// fields mode the displacement statistics).</summary>
public sealed record DiffeoPeerResult(
    string Peer,
    [property: JsonPropertyName("torch")] string TorchVersion,
    string Mode,
    int Tile,
    int Batch,
    double Delta,
    int Cutoff,
    double Temperature,
    double Seconds,
    int Threads,
    string? Way = null,
    int? Images = null,
    [property: JsonPropertyName("images_per_s")] double? ImagesPerSecond = null,
    double? Check = null,
    string? Model = null,
    string? Dtype = null,
    int? Probes = null,
    [property: JsonPropertyName("probes_per_s")] double? ProbesPerSecond = null,
    int? Nodes = null,
    double? RInput = null,
    double? ROutput = null,
    double? DOutput = null,
    double? GOutput = null,
    long? Params = null,
    [property: JsonPropertyName("mean_dx2")] double? MeanDx2 = null,
    [property: JsonPropertyName("mean_dy2")] double? MeanDy2 = null);

/// <summary>
/// Runs diffeo_peer.py (the authors' diff.py and their D/G/R arithmetic in PyTorch) in a child process on
/// Debian's system interpreter and reads its JSON line. The script ships in the repository
/// (src/Myopia/Benchmarks/Peers/) and the build copies it to <c>peers/diffeo_peer.py</c> beside the
/// assemblies; its networks come from the shared torch_reference.py. The child inherits the environment,
/// OMP_WAIT_POLICY included.
/// </summary>
public sealed class DiffeoPeer(string script, string python = PytorchPeer.SystemPython, string? reference = null)
{
    public const string ScriptName = "diffeo_peer.py";

    /// <summary>The networks the peer's D/G/R pass builds (from torch_reference.py).</summary>
    public static readonly IReadOnlySet<string> Models = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "resnet18", "resnet9" };

    public string Script => script;
    public string Python => python;
    public string? Reference => reference;

    /// <summary>peers/diffeo_peer.py beside the assemblies, else src/Myopia/Benchmarks/Peers/diffeo_peer.py above the current folder.</summary>
    public static string? FindScript(string? start = null) => PeerScript.Find(ScriptName, start);

    /// <summary>The default peer: the shipped script, the shared torch_reference.py, Debian's python3.</summary>
    public static DiffeoPeer Locate(string python = PytorchPeer.SystemPython)
    {
        var (script, reference) = PeerScript.Locate(ScriptName);
        return new(script, python, reference);
    }

    /// <summary>Why the peer cannot run at all here (one line), or null when it can.</summary>
    public string? CannotRun()
    {
        if (!File.Exists(script)) return $"PyTorch diffeo peer script not found: {script}";
        return PeerScript.CannotImportTorch(python);
    }

    /// <summary>Why the peer cannot run the D/G/R pass of <paramref name="model"/> (one line), or null when it can.</summary>
    public string? CannotRunPass(string model)
    {
        if (!Models.Contains(model)) return $"the PyTorch diffeo peer's D/G/R pass builds only {string.Join(", ", Models.Order())}, not {model}";
        if (reference is null || !File.Exists(reference)) return $"{model} comes from ../{PytorchPeer.ScriptRelativePath}, which was not found";
        return null;
    }

    /// <summary>One timed run of the generator (<paramref name="perImage"/>: deform() per image; else batched).</summary>
    public DiffeoPeerResult RunGenerator(bool perImage, int tile, int images, int batch, double delta, int cutoff, int threads, long seed) =>
        Run(["--mode", "generator", "--way", perImage ? "per-image" : "batched", "--tile", $"{tile}", "--images", $"{images}", "--batch", $"{batch}",
             "--delta", delta.ToString("R", CultureInfo.InvariantCulture), "--cutoff", $"{cutoff}", "--threads", $"{threads}", "--seed", $"{seed}"]);

    /// <summary>Untimed: the pixel-averaged E[Δx²] and E[Δy²] of <paramref name="fields"/> fields drawn as diff.py's deform() draws them.</summary>
    public DiffeoPeerResult RunFields(int tile, int fields, double delta, int cutoff, long seed) =>
        Run(["--mode", "fields", "--tile", $"{tile}", "--images", $"{fields}", "--delta", delta.ToString("R", CultureInfo.InvariantCulture),
             "--cutoff", $"{cutoff}", "--threads", "1", "--seed", $"{seed}"]);

    /// <summary>One timed layer-wise D/G/R pass.</summary>
    public DiffeoPeerResult RunPass(string model, int tile, int probes, int batch, double delta, int cutoff, int threads, int classes, long seed, float[] mean, float[] std,
        bool float64 = true)
    {
        var arguments = new List<string>
        {
            "--mode", "pass", "--model", model.ToLowerInvariant(), "--tile", $"{tile}", "--probes", $"{probes}", "--batch", $"{batch}",
            "--delta", delta.ToString("R", CultureInfo.InvariantCulture), "--cutoff", $"{cutoff}", "--threads", $"{threads}",
            "--classes", $"{classes}", "--seed", $"{seed}", "--dtype", float64 ? "float64" : "float32",
        };
        if (reference is not null) arguments.AddRange(["--reference", reference]);
        arguments.Add("--mean");
        arguments.AddRange(mean.Select(m => m.ToString("R", CultureInfo.InvariantCulture)));
        arguments.Add("--std");
        arguments.AddRange(std.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
        return Run(arguments);
    }

    private DiffeoPeerResult Run(IEnumerable<string> arguments) => PeerScript.Run<DiffeoPeerResult>(python, script, arguments, "diffeo");

    /// <summary>Reads the peer's JSON line.</summary>
    public static DiffeoPeerResult Parse(string line) => PeerScript.Parse<DiffeoPeerResult>(line, "diffeo");
}
