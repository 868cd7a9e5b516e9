using System.Text.Json;
using Myopia.IO;
using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

/// <summary>
/// Inputs X (P x N, images flattened row-major, float64) and one-hot targets Y (P x p) for the
/// linear-network lab, with the spatial shape the convolution works on and, for synthetic sets,
/// the parts they were built from.
/// </summary>
public sealed class LinearDataset(string name, Tensor x, Tensor y, int[] shape, PartHierarchy? parts) : IDisposable
{
    public string Name { get; } = name;
    public Tensor X { get; } = x;
    public Tensor Y { get; } = y;
    public int[] Shape { get; } = shape;
    public PartHierarchy? Parts { get; } = parts;
    public int Samples => (int)X.shape[0];
    public int Inputs => (int)X.shape[1];
    public int Outputs => (int)Y.shape[1];
    public long[] SpatialDims => Shape.Length == 1 ? [-1] : [-2, -1];

    /// <summary>The images as P x n or P x n x n.</summary>
    public Tensor Images(Tensor flat) => flat.view([flat.shape[0], .. Shape.Select(s => (long)s)]);

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }

    /// <summary>One image per class: the sum of the parts of that class, times the scale.</summary>
    public static LinearDataset FromParts(string name, PartHierarchy h)
    {
        h.Validate();
        int n = h.Shape.Aggregate(1, (a, b) => a * b);
        var x = new double[h.Classes, n];
        foreach (var part in h.Parts)
        foreach (var c in part.Classes)
        foreach (var term in part.Terms)
            for (int i = 0; i < n; i++)
            {
                double phase = h.Shape.Length == 1
                    ? (double)term.Frequency[0] * i / h.Shape[0]
                    : (double)term.Frequency[0] * (i / h.Shape[1]) / h.Shape[0] + (double)term.Frequency[1] * (i % h.Shape[1]) / h.Shape[1];
                x[c, i] += h.Scale * part.Amplitude * term.Weight * Math.Cos(2 * Math.PI * phase);
            }
        var y = eye(h.Classes, dtype: ScalarType.Float64);
        return new LinearDataset(name, tensor(x), y, h.Shape, h);
    }

    private static StructuralPart Part(string name, double a, int[] f, int[] f2, params int[] classes) =>
        new(name, a, [new CosineTerm(f), new CosineTerm(f2, 0.5)], classes);

    /// <summary>The canonical 2-D setup: 16 x 16, 4 classes, seven parts (global, two super-classes, four classes).</summary>
    public static PartHierarchy Canonical() => new([16, 16], 4,
    [
        Part("g", 1.5, [0, 1], [1, 3], 0, 1, 2, 3),
        Part("h0", 1.0, [2, 0], [3, 1], 0, 1),
        Part("h1", 1.0, [0, 2], [1, 4], 2, 3),
        Part("c0", 0.7, [2, 2], [5, 1], 0),
        Part("c1", 0.7, [2, 5], [6, 2], 1),
        Part("c2", 0.7, [4, 1], [3, 6], 2),
        Part("c3", 0.7, [1, 6], [6, 5], 3),
    ], 1.0 / 16);

    /// <summary>1-D bias check: cos3 + 0.6 cos7 and cos11 + 0.6 cos15, each divided by sqrt(N), N = 64.</summary>
    public static PartHierarchy OneDimensionalBias() => new([64], 2,
    [
        new("a", 1, [new([3]), new([7], 0.6)], [0]),
        new("b", 1, [new([11]), new([15], 0.6)], [1]),
    ], 1.0 / 8);

    /// <summary>1-D order check: [cos3 + 0.6 cos7] and [cos11 + cos15 + cos20 + cos25], each divided by sqrt(N).</summary>
    public static PartHierarchy OneDimensionalOrder() => new([64], 2,
    [
        new("a", 1, [new([3]), new([7], 0.6)], [0]),
        new("b", 1, [new([11]), new([15]), new([20]), new([25])], [1]),
    ], 1.0 / 8);

    public static PartHierarchy FromConfig(string path)
    {
        if (!File.Exists(path)) throw new MyopiaException($"config not found: {path}");
        try
        {
            return JsonOutput.Deserialize<PartHierarchy>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new MyopiaException($"{path}: not a part hierarchy ({e.Message})");
        }
    }

    /// <summary>
    /// A small real dataset: the first <paramref name="perClass"/> MNIST training images of each digit,
    /// average-pooled to <paramref name="side"/> x <paramref name="side"/>, pixels in [0, 1] divided by sqrt(N).
    /// </summary>
    public static LinearDataset FromMnist(string folder, int side = 14, int perClass = 10)
    {
        if (side < 2 || 28 % side != 0) throw new MyopiaException($"--side must divide 28, got {side}");
        if (perClass < 1) throw new MyopiaException("--per-class must be positive");
        using var splits = Myopia.Data.DatasetCatalog.Load("mnist", folder);
        var labels = splits.Train.Labels.data<long>().ToArray();
        var chosen = new List<long>();
        for (int d = 0; d < 10; d++) chosen.AddRange(Enumerable.Range(0, labels.Length).Where(i => labels[i] == d).Take(perClass).Select(i => (long)i));
        using var scope = NewDisposeScope();
        var x = splits.Train.Gather(tensor(chosen.ToArray())).to_type(ScalarType.Float64).div(255.0);
        x = nn.functional.avg_pool2d(x, 28 / side).reshape(chosen.Count, side * side) / side;
        var y = nn.functional.one_hot(tensor(chosen.Select(i => labels[i]).ToArray()), 10).to_type(ScalarType.Float64);
        return new LinearDataset($"mnist-{side}x{side}", x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), [side, side], null);
    }
}
