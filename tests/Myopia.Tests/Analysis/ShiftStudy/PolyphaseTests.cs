using Myopia.Analysis.ShiftStudy;
using Myopia.Data;
using Myopia.Models;
using Myopia.Models.Antialiasing;
using Myopia.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>
/// Adaptive polyphase sampling gives exactly 100% circular consistency on a circular-padded network,
/// where plain stride-2 subsampling in the same network does not.
/// </summary>
public class PolyphaseTests
{
    private static readonly Normalization Norm = new([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

    private static Module<Tensor, Tensor> Network(bool aps)
    {
        manual_seed(21);
        Module<Tensor, Tensor> Pool() => aps ? new MaxPolyphasePool() : MaxPool2d(2);
        return Sequential(
            Conv2d(3, 16, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(), Pool(),
            Conv2d(16, 16, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(), Pool(),
            Conv2d(16, 16, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
            AdaptiveAvgPool2d(1), Flatten(), Linear(16, 10));
    }

    [Fact]
    public void KeepsTheComponentOfLargestNorm()
    {
        using var x = zeros(2, 1, 4, 4);
        x[0, 0, 1, 0] = tensor(5f);                 // component (1, 0)
        x[1, 0, 3, 3] = tensor(2f);                 // component (1, 1)
        x[1, 0, 0, 0] = tensor(1f);
        using var choice = PolyphasePool.Choice(x);
        Assert.Equal(new long[] { 2, 3 }, choice.data<long>().ToArray());
        using var pool = new PolyphasePool();
        using var y = pool.call(x);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, y.shape);
        Assert.Equal(5f, y[0, 0, 0, 0].item<float>());
        Assert.Equal(2f, y[1, 0, 1, 1].item<float>());
    }

    [Fact]
    public void OutputOfACircularShiftIsAShiftOfTheOutput()
    {
        manual_seed(2);
        using var x = randn(3, 4, 8, 8);
        using var pool = new MaxPolyphasePool();
        using var y = pool.call(x);
        Assert.Equal(new long[] { 3, 4, 4, 4 }, y.shape);
        using var shifted = pool.call(x.roll([1, 3], [2, 3]));
        // The same content: for each image, some circular shift of its output is the output of its shifted
        // input (which shift depends on the component the image kept).
        for (int n = 0; n < 3; n++)
        {
            bool found = false;
            for (int a = 0; a < 4 && !found; a++)
                for (int b = 0; b < 4 && !found; b++)
                    found = y[n].roll([a, b], [1, 2]).allclose(shifted[n]);
            Assert.True(found, $"image {n}");
        }
        // Plain subsampling has no such shift for an odd offset.
        using var plain = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
        using var plainShifted = nn.functional.max_pool2d(x.roll([1, 3], [2, 3]), [2, 2], [2, 2]);
        bool plainFound = false;
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                plainFound |= plain.roll([a, b], [2, 3]).allclose(plainShifted);
        Assert.False(plainFound);
    }

    [Fact]
    public void ApsNetworkIsExactlyConsistentUnderCircularShifts()
    {
        using var data = MetricSanityTests.Noise(n: 40, side: 16);
        using var aps = Network(aps: true);
        using var plain = Network(aps: false);
        using var apsClassifier = TestClassifiers.Of(aps, Norm, 10);
        using var plainClassifier = TestClassifiers.Of(plain, Norm, 10);
        var settings = new ShiftSettings(MaxShift: 8, Pairs: 4, WorstCase: true);
        var a = new ShiftSensitivity(apsClassifier, new ShiftOptions("zhang-circular", settings)).Run(data);
        var p = new ShiftSensitivity(plainClassifier, new ShiftOptions("zhang-circular", settings)).Run(data);
        var apsPairs = a.Measurements.Single(m => m.Kind == "pairs");
        Assert.Equal(1.0, apsPairs.Consistency);
        Assert.True(apsPairs.Mac < 1e-5, $"MAC {apsPairs.Mac}");
        Assert.Equal(0, a.Measurements.Single(m => m.Kind == "grid").WorstCase);
        // The same network with plain subsampling changes its outputs.
        Assert.True(p.Measurements.Single(m => m.Kind == "pairs").Mac > 1e-4);
    }

    [Fact]
    public void RegistryModelsTakeApsAsTheirDownsampling()
    {
        foreach (var name in new[] { "vggsmall", "smallcnn" })
        {
            using var model = ModelRegistry.Create(name, new ModelOptions(10, Downsampling: Downsampling.Aps));
            Assert.Equal(2, model.modules().OfType<MaxPolyphasePool>().Count() >= 2 ? 2 : 0);
            using var plain = ModelRegistry.Create(name, new ModelOptions(10));
            Assert.Equal(plain.state_dict().Keys.Order(), model.state_dict().Keys.Order());
            model.eval();
            using var _ = no_grad();
            using var logits = model.call(randn(2, 3, 32, 32));
            Assert.Equal(new long[] { 2, 10 }, logits.shape);
        }
        Assert.Throws<MyopiaException>(() => ModelRegistry.Create("resnet18", new ModelOptions(10, Downsampling: Downsampling.Aps)));
        Assert.Throws<MyopiaException>(() => ModelRegistry.Create("vggsmall", new ModelOptions(10, Antialias: 3, Downsampling: Downsampling.Aps)));
    }
}
