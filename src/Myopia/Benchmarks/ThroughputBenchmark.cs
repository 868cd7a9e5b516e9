using System.Diagnostics;
using Myopia.Compute;
using Myopia.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Benchmarks;

/// <summary>
/// Measures how many images per second this process trains and evaluates, on random data, exactly
/// as shared/peers/torch_reference.py does on the PyTorch side: a training step is zero_grad,
/// forward, cross-entropy, backward and an Adam step; evaluation is a forward pass without autograd.
/// Only the timed steps count; model construction and warm-up do not.
/// </summary>
public sealed class ThroughputBenchmark(ThroughputOptions options)
{
    public const string PeerName = "myopia";

    public ThroughputResult Run()
    {
        options.Validate();
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        torch.manual_seed(0);
        using var model = ModelRegistry.Create(options.Model, options.Classes, options.Channels);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: ThroughputOptions.LearningRate,
            weight_decay: ThroughputOptions.WeightDecay);
        using var x = randn(options.Batch, options.Channels, options.Tile, options.Tile);
        using var y = randint(0, options.Classes, [options.Batch]);
        var settings = new ComputeSettings(options.Precision, options.Format);

        model.train();
        for (var i = 0; i < options.Warmup; i++) TrainStep(model, optimizer, x, y, settings);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.Steps; i++) TrainStep(model, optimizer, x, y, settings);
        double trainSeconds = clock.Elapsed.TotalSeconds;

        model.eval();
        double eval; // seconds of the timed inference steps
        using (no_grad())
        {
            for (var i = 0; i < options.Warmup; i++) EvalStep(model, x, settings);
            clock.Restart();
            for (var i = 0; i < options.Steps; i++) EvalStep(model, x, settings);
            eval = clock.Elapsed.TotalSeconds;
        }

        long timedImages = (long)options.Batch * options.Steps;
        return new ThroughputResult(PeerName, options.Model, options.Tile, options.Batch,
            ModelRegistry.ParameterCount(model), Math.Round(timedImages / trainSeconds, 1), Math.Round(timedImages / eval, 1), torch.get_num_threads())
        {
            TorchVersion = "libtorch " + torch.__version__,
            TimedImages = timedImages,
            TrainSeconds = trainSeconds,
            EvalSeconds = eval,
            Precision = PrecisionChoice.Name(options.Precision),
            ChannelsLast = options.Format == MemoryFormat.ChannelsLast,
        };
    }

    // As in a training run, each step converts its batch to the layout (the peer converts once; the cost is small).
    private static void TrainStep(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y, ComputeSettings settings)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var logits = settings.Forward(model.call, x, CPU);
        var loss = nn.functional.cross_entropy(logits, y);
        loss.backward();
        optimizer.step();
    }

    private static void EvalStep(nn.Module<Tensor, Tensor> model, Tensor x, ComputeSettings settings)
    {
        using var scope = NewDisposeScope();
        settings.Forward(model.call, x, CPU);
    }
}
