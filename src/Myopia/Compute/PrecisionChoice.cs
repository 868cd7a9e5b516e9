using static TorchSharp.torch;

namespace Myopia.Compute;

/// <summary>
/// Turns <c>--precision auto|fp32|bf16</c> into a <see cref="NumericPrecision"/>, with the reason for the
/// choice when it was automatic, so every run can record why it computed the way it did.
/// </summary>
public static class PrecisionChoice
{
    public const string Help = "arithmetic of convolutions and linear layers: fp32, bf16 (mixed precision: FP32 weights, " +
                               "batch-norm statistics, loss and optimizer state) or auto (bf16 where the hardware makes it faster)";

    public static readonly string[] Names = ["auto", "fp32", "bf16"];

    public static string Name(NumericPrecision precision) => precision == NumericPrecision.Bf16 ? "bf16" : "fp32";

    /// <summary>Checks the spelling only, for option validation before any work starts.</summary>
    public static void Validate(string? choice)
    {
        var text = (choice ?? "auto").Trim().ToLowerInvariant();
        if (!Names.Contains(text)) throw new MyopiaException($"--precision {choice}: expected {string.Join(", ", Names)}");
    }

    public static (NumericPrecision Precision, string Reason) Resolve(string? choice, Device device)
    {
        Validate(choice);
        var text = (choice ?? "auto").Trim().ToLowerInvariant();
        if (text == "fp32") return (NumericPrecision.Fp32, "requested");
        if (text == "bf16")
        {
            if (!Autocast.IsAvailable)
                throw new MyopiaException("--precision bf16 needs libtorch's autocast, which this libtorch build does not export; use --precision fp32");
            return (NumericPrecision.Bf16, "requested");
        }
        return Automatic(device);
    }

    /// <summary>
    /// BF16 pays on a CPU only with AMX tiles: with AVX-512 BF16 alone, oneDNN's BF16 convolutions run
    /// at the speed of its FP32 ones at best (one BF16 dot-product unit against two FP32 FMA units) and
    /// add the casts; measured on a 2-core AVX-512 BF16 machine without AMX, BF16 training was 0.8x
    /// FP32 in both PyTorch and Myopia. On a GPU the capability is not known to this build: FP32 unless asked.
    /// </summary>
    public static (NumericPrecision Precision, string Reason) Automatic(Device device)
    {
        if (device.type != TorchSharp.DeviceType.CPU)
            return (NumericPrecision.Fp32, "automatic: FP32 on a GPU unless --precision bf16 is given");
        var flags = Devices.CpuFeatures.Flags;
        if (flags.Contains("amx_bf16") && Autocast.IsAvailable)
            return (NumericPrecision.Bf16, "automatic: this CPU has AMX-BF16 units, where BF16 convolutions are several times faster than FP32");
        return flags.Contains("avx512_bf16")
            ? (NumericPrecision.Fp32, "automatic: this CPU has AVX-512 BF16 but no AMX, where BF16 convolutions are no faster than FP32")
            : (NumericPrecision.Fp32, "automatic: this CPU has no BF16 arithmetic units");
    }
}
