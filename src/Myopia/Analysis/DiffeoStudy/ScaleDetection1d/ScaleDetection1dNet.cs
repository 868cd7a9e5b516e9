using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>
/// The authors' 1-D CNN (convolutional_nets.py, ConvNetGAPMF_1d with ConvBlockNT_1d): L blocks, each a
/// circularly padded conv of H filters of size F with stride 2 and the activation √F·ReLU, then the global
/// average over space and a mean-field readout o = b + Σ_h β_h y_h / H.
/// </summary>
/// <remarks>
/// The parametrisation is the authors' (NTK-style): the trained parameters W, b, β and the readout bias are
/// all N(0, 1) at initialisation and the conv divides W by √(C_in·F) in the forward pass, so the effective
/// filters are N(0, 1/(C_in·F)). The ridge penalty and the learning rate act on the raw W, as theirs do.
/// Padding: ⌊F/2⌋ − 1 on the left and ⌊F/2⌋ on the right for even F, (F − 1)/2 on both sides for odd F,
/// taken circularly (for F = 2: one extra site on the right, the first one).
/// </remarks>
public sealed class ScaleDetection1dNet : nn.Module<Tensor, Tensor>
{
    private readonly ParameterList weights = new();
    private readonly ParameterList biases = new();
    private readonly Parameter beta;
    private readonly Parameter readoutBias;

    public ScaleDetection1dNet(int blocks, int width, int filterSize, int seed) : base(nameof(ScaleDetection1dNet))
    {
        Blocks = blocks;
        Width = width;
        FilterSize = filterSize;
        using var generator = new Generator((ulong)Data.Synthetic.SplitMix64.Derive(seed, 0x1DC44, 0));
        for (int l = 0; l < blocks; l++)
        {
            int inputs = l == 0 ? 1 : width;
            weights.Add(new Parameter(randn([width, inputs, filterSize], generator: generator)));
            biases.Add(new Parameter(randn([width], generator: generator)));
        }
        beta = new Parameter(randn([width], generator: generator));
        readoutBias = new Parameter(randn([1], generator: generator));
        RegisterComponents();
    }

    public int Blocks { get; }
    public int Width { get; }
    public int FilterSize { get; }

    /// <summary>The raw conv weights W_l (H x C_in x F), as penalised and trained.</summary>
    public IReadOnlyList<Parameter> ConvWeights => [.. weights];
    public IReadOnlyList<Parameter> ConvBiases => [.. biases];
    public Parameter Beta => beta;
    public Parameter ReadoutBias => readoutBias;

    /// <summary>(left, right) padding of a filter of size F: the authors' rule.</summary>
    public static (int Left, int Right) Padding(int filterSize) =>
        filterSize % 2 == 0 ? (filterSize / 2 - 1, filterSize / 2) : ((filterSize - 1) / 2, (filterSize - 1) / 2);

    /// <summary>Circular padding along the last axis (written out so its wrap-around is explicit and tested).</summary>
    public static Tensor PadCircular(Tensor x, int left, int right)
    {
        long n = x.shape[^1];
        var parts = new List<Tensor>();
        if (left > 0) parts.Add(x.narrow(-1, n - left, left));
        parts.Add(x);
        if (right > 0) parts.Add(x.narrow(-1, 0, right));
        return parts.Count == 1 ? x.alias() : cat(parts, -1);
    }

    /// <summary>Block l applied to x (N x C_in x len): √F·ReLU(conv(pad(x), W/√(C_in F), b, stride 2)).</summary>
    public Tensor Block(int l, Tensor x)
    {
        var (left, right) = Padding(FilterSize);
        var w = weights[l];
        using var padded = PadCircular(x, left, right);
        using var scaled = w / Math.Sqrt(w.shape[1] * w.shape[2]);
        using var y = nn.functional.conv1d(padded, scaled, biases[l], stride: ScaleDetection1dOptions.Stride);
        using var r = nn.functional.relu(y);
        return r * Math.Sqrt(FilterSize);
    }

    /// <summary>The output of every block, in order (block 1 first).</summary>
    public List<Tensor> Activations(Tensor x)
    {
        var result = new List<Tensor>();
        var h = x;
        for (int l = 0; l < Blocks; l++)
        {
            h = Block(l, h);
            result.Add(h);
        }
        return result;
    }

    /// <summary>o (N): b + Σ_h β_h ⟨y_h⟩ / H, ⟨·⟩ the average over space of the last block.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        for (int l = 0; l < Blocks; l++) h = Block(l, h);
        var pooled = h.mean([-1]);                              // N x H
        return (readoutBias + pooled.matmul(beta) / Width).MoveToOuterDisposeScope();
    }

    /// <summary>Σ_l ‖W_l‖² / (H·L), the quantity the ridge penalty multiplies.</summary>
    public Tensor WeightNorm()
    {
        Tensor? sum = null;
        foreach (var w in weights)
        {
            var s = w.square().sum();
            sum = sum is null ? s : sum + s;
        }
        return sum! / ((double)Width * Blocks);
    }
}
