using System.Text.Json.Serialization;

namespace Myopia.Benchmarks;

/// <summary>
/// Images per second of full training steps and of no-grad inference, in the shape that
/// shared/peers/torch_reference.py prints (snake_case: peer, torch, model, tile, batch, params,
/// train_img_s, eval_img_s, threads), so the two peers' figures can be read side by side.
/// </summary>
public sealed record ThroughputResult(
    string Peer,
    string Model,
    int Tile,
    int Batch,
    long Params,
    double TrainImgS,
    double EvalImgS,
    int Threads)
{
    /// <summary>The libtorch (or PyTorch) version the figures came from.</summary>
    [JsonPropertyName("torch")]
    public string? TorchVersion { get; init; }

    /// <summary>Images in the timed steps (batch x steps) of each phase; warm-up steps are not counted.</summary>
    public long? TimedImages { get; init; }

    /// <summary>Wall-clock seconds of the timed training steps.</summary>
    public double? TrainSeconds { get; init; }

    /// <summary>Wall-clock seconds of the timed inference steps.</summary>
    public double? EvalSeconds { get; init; }

    /// <summary>fp32 or bf16 (the peer's --precision; bf16 is autocast in both).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>Whether activations were channels-last.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>"fp32", "fp32 channels-last", "bf16", "bf16 channels-last".</summary>
    [JsonIgnore]
    public string Variant => Precision + (ChannelsLast ? " channels-last" : "");
}
