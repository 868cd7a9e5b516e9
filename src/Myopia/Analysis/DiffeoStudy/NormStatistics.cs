using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>Which statistics the batch-norm layers use while a network is measured.</summary>
public enum NormStatistics
{
    /// <summary>Running statistics for trained networks, batch statistics for untrained ones (fresh registry weights), as the authors measure.</summary>
    Auto,
    /// <summary>The running statistics (eval mode).</summary>
    Running,
    /// <summary>The statistics of each batch of probes (train mode for the norm layers only), as the authors measure networks at initialisation.</summary>
    Batch,
}

public static class NormStatisticsNames
{
    public static readonly string[] Names = ["auto", "running", "batch"];

    public static NormStatistics Parse(string name) => Array.IndexOf(Names, name.ToLowerInvariant()) is var i and >= 0
        ? (NormStatistics)i
        : throw new MyopiaException($"unknown --norm-statistics '{name}'; use one of {string.Join(", ", Names)}");

    public static string Name(NormStatistics statistics) => Names[(int)statistics];
}

/// <summary>
/// Puts a network in eval mode, or in eval mode with its batch-norm layers in train mode, for the time of a
/// measurement. Batch statistics would also move the running statistics, so those buffers are saved and
/// written back on dispose, with every module's training flag: the user's network leaves as it came.
/// </summary>
internal sealed class NormStatisticsScope : IDisposable
{
    private readonly List<(nn.Module Module, bool Training)> modes = [];
    private readonly List<(Tensor Buffer, Tensor Saved)> buffers = [];

    public NormStatisticsScope(nn.Module network, bool batchStatistics)
    {
        foreach (var (_, module) in network.named_modules().Prepend(("", network)))
            modes.Add((module, module.training));
        network.eval();
        if (!batchStatistics) return;
        using var _ = no_grad();
        foreach (var (_, module) in network.named_modules())
        {
            if (module is not (BatchNorm1d or BatchNorm2d or BatchNorm3d)) continue;
            foreach (var (_, buffer) in module.named_buffers(recurse: false))
                buffers.Add((buffer, buffer.clone()));
            module.train();
        }
    }

    public void Dispose()
    {
        using (no_grad())
            foreach (var (buffer, saved) in buffers)
            {
                buffer.copy_(saved);
                saved.Dispose();
            }
        foreach (var (module, training) in modes)
            module.train(training);
    }
}
