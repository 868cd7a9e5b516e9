using Myopia.Compute;
using Myopia.Models;
using Myopia.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Tests.Compute;

[Collection(GlobalTorchState.Name)]
public class AutocastTests
{
    [Fact]
    public void ConvolutionsRunInBf16InsideTheScopeAndFp32OutsideIt()
    {
        Assert.True(Autocast.IsAvailable, "libtorch's autocast functions were not found");
        using var x = randn(2, 3, 8, 8);
        using var w = randn(4, 3, 3, 3);
        using (Autocast.Enter(NumericPrecision.Bf16, CPU))
        {
            using var inside = nn.functional.conv2d(x, w);
            Assert.Equal(ScalarType.BFloat16, inside.dtype);
            using var sum = x.sum(); // reductions of FP32 inputs stay FP32
            Assert.Equal(ScalarType.Float32, sum.dtype);
        }
        using var after = nn.functional.conv2d(x, w);
        Assert.Equal(ScalarType.Float32, after.dtype);
        Assert.Null(Autocast.Enter(NumericPrecision.Fp32, CPU));
    }

    [Fact]
    public void NestedScopesRestoreTheOuterState()
    {
        using var x = randn(2, 3, 8, 8);
        using var w = randn(4, 3, 3, 3);
        using (Autocast.Enter(NumericPrecision.Bf16, CPU))
        {
            using (Autocast.Enter(NumericPrecision.Bf16, CPU)) { }
            using var stillInside = nn.functional.conv2d(x, w);
            Assert.Equal(ScalarType.BFloat16, stillInside.dtype);
        }
        using var outside = nn.functional.conv2d(x, w);
        Assert.Equal(ScalarType.Float32, outside.dtype);
    }

    [Theory]
    [InlineData("resnet9")]
    [InlineData("resnet18")]
    public void Bf16GradientsAgreeWithFp32ToBf16Precision(string architecture)
    {
        torch.manual_seed(3);
        using var model = ModelRegistry.Create(architecture, new ModelOptions(10));
        model.train();
        using var x = randn(16, 3, 16, 16);
        using var y = randint(0, 10, [16]);
        var (fp32, fp32Loss) = Gradients(model, x, y, ComputeSettings.Fp32Contiguous);
        var (bf16, bf16Loss) = Gradients(model, x, y, new ComputeSettings(NumericPrecision.Bf16, MemoryFormat.Contiguous));
        Assert.Equal(fp32.Count, bf16.Count);
        double total = 0;
        foreach (var (name, g) in fp32)
        {
            using var diff = (bf16[name] - g).norm();
            using var norm = g.norm();
            total += diff.item<float>() / Math.Max(1e-12, norm.item<float>());
        }
        double meanRelative = total / fp32.Count;
        using var a = cat(fp32.Values.Select(g => g.flatten()).ToList());
        using var b = cat(bf16.Values.Select(g => g.flatten()).ToList());
        double cosine = nn.functional.cosine_similarity(a, b, dim: 0).item<float>();
        // What BF16 precision allows: PyTorch's own CPU autocast, on these networks at initialization with
        // random data (16 images of 16 x 16), gives a mean relative per-tensor difference of 0.17 (resnet9)
        // and 0.28 (resnet18) and a cosine of 0.98 and 0.95 between the whole gradients: a randomly
        // initialized network's gradient is small against its activations, and 8-bit mantissas round the
        // activations at every layer. The BF16 step must agree that closely, and differ at all (or BF16 did not run).
        Assert.True(cosine > 0.9, $"cosine {cosine:F4} between the BF16 and FP32 gradients");
        Assert.True(meanRelative < 0.35, $"mean relative gradient difference {meanRelative:P1}");
        Assert.True(meanRelative > 1e-3, $"mean relative difference {meanRelative:E2}: BF16 did not change the arithmetic");
        Assert.True(Math.Abs(fp32Loss - bf16Loss) < 0.01 * fp32Loss, $"loss {bf16Loss} in BF16 against {fp32Loss} in FP32");
        foreach (var g in fp32.Values.Concat(bf16.Values)) g.Dispose();
    }

    private static (Dictionary<string, Tensor> Gradients, double Loss) Gradients(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, ComputeSettings settings)
    {
        model.zero_grad();
        double loss;
        using (var scope = NewDisposeScope())
        {
            var logits = settings.Forward(model.call, x, CPU);
            Assert.Equal(ScalarType.Float32, logits.dtype);
            var l = nn.functional.cross_entropy(logits, y);
            loss = l.item<float>();
            l.backward();
        }
        var grads = model.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
        foreach (var (_, g) in grads) Assert.Equal(ScalarType.Float32, g.dtype); // master weights' gradients stay FP32
        return (grads, loss);
    }
}
