namespace Myopia.Compute;

/// <summary>
/// The arithmetic of convolutions and linear layers. Weights, their gradients, optimizer state, batch-norm
/// statistics and losses stay FP32 in both; BF16 is libtorch's autocast (<see cref="Autocast"/>).
/// </summary>
public enum NumericPrecision
{
    Fp32,
    Bf16,
}
