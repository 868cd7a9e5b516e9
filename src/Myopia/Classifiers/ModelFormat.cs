namespace Myopia.Classifiers;

/// <summary>Where a classifier's weights came from.</summary>
public enum ModelFormat
{
    /// <summary>A registry architecture with fresh (seeded) weights: the untrained networks the diffeo lab compares with trained ones.</summary>
    Registry,
    /// <summary>A checkpoint written by <c>myopia train</c>, which carries everything needed to use it.</summary>
    MyopiaCheckpoint,
    /// <summary>A PyTorch <c>torch.save(model.state_dict())</c> pickle (.pt/.pth) for a registry architecture.</summary>
    StateDict,
    /// <summary>A .safetensors file for a registry architecture.</summary>
    Safetensors,
    /// <summary>A TorchScript archive (<c>torch.jit.save</c>): a forward pass only, no layers to hook.</summary>
    TorchScript,
}
