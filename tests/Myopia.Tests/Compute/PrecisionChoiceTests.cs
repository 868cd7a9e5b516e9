using Myopia.Compute;
using Myopia.Devices;
using static TorchSharp.torch;

namespace Myopia.Tests.Compute;

public class PrecisionChoiceTests
{
    [Theory]
    [InlineData("fp32", NumericPrecision.Fp32)]
    [InlineData("bf16", NumericPrecision.Bf16)]
    [InlineData("BF16", NumericPrecision.Bf16)]
    public void ARequestedPrecisionIsTaken(string text, NumericPrecision expected)
    {
        var (precision, reason) = PrecisionChoice.Resolve(text, CPU);
        Assert.Equal(expected, precision);
        Assert.Equal("requested", reason);
    }

    [Fact]
    public void AutoFollowsTheCpusBf16UnitsAndSaysWhy()
    {
        var (precision, reason) = PrecisionChoice.Resolve("auto", CPU);
        bool amx = CpuFeatures.Flags.Contains("amx_bf16");
        Assert.Equal(amx ? NumericPrecision.Bf16 : NumericPrecision.Fp32, precision);
        Assert.StartsWith("automatic: ", reason);
        Assert.Contains(amx ? "AMX" : CpuFeatures.Flags.Contains("avx512_bf16") ? "no AMX" : "no BF16", reason);
    }

    [Theory]
    [InlineData("fp16")]
    [InlineData("half")]
    [InlineData("")]
    public void AnUnknownPrecisionIsOneClearError(string text)
    {
        var e = Assert.Throws<MyopiaException>(() => PrecisionChoice.Resolve(text, CPU));
        Assert.Contains("--precision", e.Message);
        Assert.Contains("auto, fp32, bf16", e.Message);
    }

    [Theory]
    [InlineData("nhwc")]
    [InlineData("channels_last")]
    public void AnUnknownMemoryFormatIsOneClearError(string text)
    {
        var e = Assert.Throws<MyopiaException>(() => MemoryFormats.Parse(text));
        Assert.Contains("--memory-format", e.Message);
    }
}
