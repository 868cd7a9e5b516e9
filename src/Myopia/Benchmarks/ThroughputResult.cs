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
}
