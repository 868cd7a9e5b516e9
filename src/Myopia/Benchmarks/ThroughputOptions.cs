namespace Myopia.Benchmarks;

/// <summary>
/// What one throughput measurement runs: a registered network on random data of the given tile
/// side, <see cref="Warmup"/> untimed steps, then <see cref="Steps"/> timed ones. The optimizer is
/// the tile study's (Adam, lr 0.002, weight decay 1e-4), so a training step costs what it costs in
/// a real run.
/// </summary>
public sealed record ThroughputOptions
{
    public required string Model { get; init; }
    public int Tile { get; init; } = 32;
    public int Batch { get; init; } = 128;
    public int Steps { get; init; } = 5;
    public int Warmup { get; init; } = 2;

    /// <summary>libtorch intra-op threads; 0 keeps libtorch's default (one per core).</summary>
    public int Threads { get; init; }

    public int Classes { get; init; } = 10;

    /// <summary>Arithmetic of the timed steps (BF16: libtorch's autocast, as PyTorch's torch.autocast).</summary>
    public Compute.NumericPrecision Precision { get; init; } = Compute.NumericPrecision.Fp32;

    /// <summary>Activation layout of the timed steps.</summary>
    public Compute.MemoryFormat Format { get; init; } = Compute.MemoryFormat.Contiguous;
    public int Channels { get; init; } = 3;

    public const double LearningRate = 0.002;
    public const double WeightDecay = 1e-4;

    public void Validate()
    {
        if (Tile < 8) throw new MyopiaException($"--tile must be at least 8, got {Tile}");
        if (Batch < 2) throw new MyopiaException($"--batch must be at least 2 (batch norm needs two images), got {Batch}");
        if (Steps < 1) throw new MyopiaException($"--steps must be at least 1, got {Steps}");
        if (Warmup < 0) throw new MyopiaException($"--warmup must be >= 0, got {Warmup}");
        if (Threads < 0) throw new MyopiaException($"--threads must be >= 0, got {Threads}");
        if (Classes < 2) throw new MyopiaException($"--classes must be at least 2, got {Classes}");
        if (Channels < 1) throw new MyopiaException($"--channels must be at least 1, got {Channels}");
    }
}
