using Myopia.Analysis.ShiftStudy;
using Myopia.Data;
using Myopia.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>The internal shift distance is zero where equivariance holds and positive where subsampling breaks it.</summary>
public class InternalShiftDistanceTests
{
    private static readonly Normalization Norm = new([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

    private static Module<Tensor, Tensor> Model(bool strided)
    {
        manual_seed(12);
        return Sequential(
            Conv2d(3, 8, 3, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
            Conv2d(8, 8, 3, stride: strided ? 2 : 1, padding: 1, padding_mode: PaddingModes.Circular), ReLU(),
            AdaptiveAvgPool2d(1), Flatten(), Linear(8, 10));
    }

    [Fact]
    public void StrideOneCircularNetworkIsEquivariantAtEveryLayer()
    {
        using var model = Model(strided: false);
        using var data = MetricSanityTests.Noise(n: 6);
        using var classifier = TestClassifiers.Of(model, Norm, 10);
        var result = new InternalShiftDistance(classifier, new InternalShiftOptions(MaxShift: 3, Batch: 4)).Run(data);
        Assert.Equal(new[] { 0, 1, 2, 3 }, result.Shifts);
        Assert.Equal(7, result.Layers.Count);
        Assert.All(result.Layers, l => Assert.All(l.Distance, d => Assert.True(Math.Abs(d) < 1e-5, $"{l.Layer}: {d}")));
        Assert.All(result.Layers.Take(4), l => Assert.Equal(1, l.Stride));
    }

    [Fact]
    public void AStrideTwoLayerKeepsEvenShiftsAndBreaksOddOnes()
    {
        using var model = Model(strided: true);
        using var data = MetricSanityTests.Noise(n: 6);
        using var classifier = TestClassifiers.Of(model, Norm, 10);
        var result = new InternalShiftDistance(classifier, new InternalShiftOptions(MaxShift: 4)).Run(data);
        var first = result.Layers[0];
        Assert.Equal(1, first.Stride);
        Assert.All(first.Distance, d => Assert.True(Math.Abs(d) < 1e-5));
        var strided = result.Layers[2];                        // the stride-2 conv
        Assert.Equal(2, strided.Stride);
        Assert.True(Math.Abs(strided.Distance[2]) < 1e-5 && Math.Abs(strided.Distance[4]) < 1e-5);
        Assert.True(strided.Distance[1] > 1e-3 && strided.Distance[3] > 1e-3, string.Join(", ", strided.Distance));
    }
}
