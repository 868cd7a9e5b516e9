using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>Creates the optimizer a <see cref="TrainOptions"/> names.</summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(nn.Module model, TrainOptions options) => options.Optimizer switch
    {
        // torch.optim.Adam's weight_decay is coupled L2 (added to the gradient), as the paper used.
        "adam" => optim.Adam(model.parameters(), options.Lr, weight_decay: options.WeightDecay),
        "adamw" => optim.AdamW(model.parameters(), options.Lr, weight_decay: options.WeightDecay),
        "sgd" => optim.SGD(model.parameters(), options.Lr, momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Nesterov),
        _ => throw new MyopiaException($"unknown optimizer '{options.Optimizer}'"),
    };

    public static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = lr;
    }
}
