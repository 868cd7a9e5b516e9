using TorchSharp;
using Myopia.Analysis.ShiftStudy;
using Myopia.Data;
using Myopia.Tests.Infrastructure;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>
/// Spec target 4: an exactly shift-invariant model (stride-1 circular convs, global average pooling)
/// gives P(top-1 change) = MAC = 0 under circular shifts; a model with a stride-2 layer does not, so
/// the measurement can tell them apart.
/// </summary>
public class MetricSanityTests
{
    private static Module<Tensor, Tensor> Model(bool strided)
    {
        manual_seed(8);
        var layers = new List<Module<Tensor, Tensor>>
        {
            Conv2d(3, 16, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
            Conv2d(16, 16, 3, stride: strided ? 2 : 1, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
        };
        if (strided) layers.AddRange([Conv2d(16, 16, 3, stride: 2, padding: 1, padding_mode: PaddingModes.Circular), ReLU()]);
        layers.AddRange([AdaptiveAvgPool2d(1), Flatten(), Linear(16, 10)]);
        return Sequential(layers);
    }

    internal static ImageDataset Noise(int n = 24, int side = 16, int seed = 9)
    {
        manual_seed(seed);
        var pixels = randint(0, 256, [n, 3, side, side], dtype: ScalarType.Byte);
        var labels = randint(0, 10, [n], dtype: ScalarType.Int64);
        return new ImageDataset("noise", pixels, labels, Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray());
    }

    private static readonly Normalization Norm = new([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

    [Theory]
    [InlineData("cifar-circular")]
    [InlineData("zhang-circular")]
    [InlineData("diagonal")]
    public void InvariantModelNeverChanges(string protocol)
    {
        using var model = Model(strided: false);
        using var data = Noise();
        using var classifier = TestClassifiers.Of(model, Norm, 10);
        var settings = new ShiftSettings(Boundary: ShiftBoundary.Circular, MaxShift: 4, Pairs: 3);
        var result = new ShiftSensitivity(classifier, new ShiftOptions(protocol, settings, Batch: 50)).Run(data);
        Assert.NotEmpty(result.Measurements);
        foreach (var m in result.Measurements)
        {
            if (m.Kind != "grid")
            {
                Assert.Equal(0, m.PChange);
                Assert.True(m.Mac < 1e-6, $"{m.Condition}: MAC {m.Mac}");
                Assert.True(m.Pairs > 0);
            }
            Assert.Equal(0, m.WorstCase);
            if (m.Consistency is { } c) Assert.Equal(1, c);
        }
    }

    [Fact]
    public void StridedModelChangesUnderOddCircularShifts()
    {
        using var model = Model(strided: true);
        using var data = Noise(n: 64);
        using var classifier = TestClassifiers.Of(model, Norm, 10);
        var result = new ShiftSensitivity(classifier, new ShiftOptions("cifar-circular", new ShiftSettings(Pairs: 4))).Run(data);
        var pairs = result.Measurements.Single(m => m.Kind == "pairs");
        Assert.True(pairs.Mac > 1e-4, $"MAC {pairs.Mac}");
    }
}
