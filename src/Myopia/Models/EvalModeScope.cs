using static TorchSharp.torch;

namespace Myopia.Models;

/// <summary>
/// Puts a model in eval mode with gradients off for the lifetime of the scope, then restores the
/// mode it had: analyses must not update batch-norm statistics, nor change the caller's model state.
/// </summary>
public sealed class EvalModeScope : IDisposable
{
    private readonly nn.Module module;
    private readonly bool wasTraining;
    private readonly IDisposable noGrad;

    public EvalModeScope(nn.Module module)
    {
        this.module = module;
        wasTraining = module.training;
        module.eval();
        noGrad = no_grad();
    }

    public void Dispose()
    {
        noGrad.Dispose();
        module.train(wasTraining);
    }
}
