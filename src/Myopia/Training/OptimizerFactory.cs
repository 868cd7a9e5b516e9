using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Training;

/// <summary>Creates the optimizer a <see cref="TrainOptions"/> names.</summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(nn.Module model, TrainOptions options)
    {
        if (options.WeightDecayOn == "all") return Create(model.parameters(), options, options.WeightDecay);
        // Two groups, weights (ndim > 1) decayed and the rest not: the split of Petrini et al.'s training code.
        var parameters = model.parameters().ToList();
        var decayed = parameters.Where(p => p.dim() > 1).ToList();
        var exempt = parameters.Where(p => p.dim() <= 1).ToList();
        return options.Optimizer switch
        {
            "adam" => optim.Adam([new Adam.ParamGroup(decayed, options.Lr, weight_decay: options.WeightDecay), new Adam.ParamGroup(exempt, options.Lr, weight_decay: 0)], options.Lr),
            "adamw" => optim.AdamW([new AdamW.ParamGroup(decayed, options.Lr, weight_decay: options.WeightDecay), new AdamW.ParamGroup(exempt, options.Lr, weight_decay: 0)], options.Lr),
            "sgd" => optim.SGD([
                new SGD.ParamGroup(decayed, options.Lr, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Nesterov),
                new SGD.ParamGroup(exempt, options.Lr, momentum: options.Momentum, weight_decay: 0, nesterov: options.Nesterov)], options.Lr),
            _ => throw new MyopiaException($"unknown optimizer '{options.Optimizer}'"),
        };
    }

    private static OptimizerHelper Create(IEnumerable<Parameter> parameters, TrainOptions options, double weightDecay) => options.Optimizer switch
    {
        // torch.optim.Adam's weight_decay is coupled L2 (added to the gradient), as the paper used.
        "adam" => optim.Adam(parameters, options.Lr, weight_decay: weightDecay),
        "adamw" => optim.AdamW(parameters, options.Lr, weight_decay: weightDecay),
        "sgd" => optim.SGD(parameters, options.Lr, momentum: options.Momentum, weight_decay: weightDecay, nesterov: options.Nesterov),
        _ => throw new MyopiaException($"unknown optimizer '{options.Optimizer}'"),
    };

    public static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = lr;
    }
}
