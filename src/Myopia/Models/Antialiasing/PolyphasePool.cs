using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models.Antialiasing;

/// <summary>
/// Adaptive polyphase sampling (APS, Chaman and Dokmanić 2021, "Truly shift-invariant convolutional neural
/// networks"): subsampling by 2 that keeps, for each image, the polyphase component x[:, :, i::2, j::2]
/// (i, j in {0, 1}) of largest L2 norm over channels and positions, instead of always (0, 0). A circular
/// shift of the input permutes the components, so the kept one is the same content, shifted: with
/// circular padding everywhere the network becomes exactly shift-invariant. Ties go to the first
/// component in (0,0), (0,1), (1,0), (1,1) order. An odd side is first extended circularly by one.
/// </summary>
public sealed class PolyphasePool : nn.Module<Tensor, Tensor>
{
    public PolyphasePool() : base("PolyphasePool") { }

    /// <summary>The index (0..3, i·2 + j) of the component each image keeps.</summary>
    public static Tensor Choice(Tensor x)
    {
        using var components = Components(x);
        using var norms = components.pow(2).sum([2, 3, 4]);          // 4 x N
        return norms.argmax(0);
    }

    public override Tensor forward(Tensor x)
    {
        using var components = Components(x);                              // 4 x N x C x h x w
        using var norms = components.pow(2).sum([2, 3, 4]);               // 4 x N
        using var best = norms.argmax(0);                                  // N
        using var index = best.view(1, -1, 1, 1, 1).expand(1, components.shape[1], components.shape[2], components.shape[3], components.shape[4]);
        using var kept = components.gather(0, index);
        return kept.squeeze(0);
    }

    private static Tensor Components(Tensor x)
    {
        long bottom = x.shape[2] % 2, right = x.shape[3] % 2;
        using var even = bottom + right == 0 ? x.alias() : functional.pad(x, (0, right, 0, bottom), PaddingModes.Circular);
        var parts = new List<Tensor>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                parts.Add(even[.., .., TensorIndex.Slice(i, null, 2), TensorIndex.Slice(j, null, 2)]);
        var stacked = stack(parts);
        foreach (var p in parts) p.Dispose();
        return stacked;
    }
}

/// <summary>
/// APS in the place of a 2x2 stride-2 max pool ("APS-D" of Chaman and Dokmanić): a dense 2x2 max with
/// stride 1 over the circularly extended map (so the side is kept and the max commutes with circular
/// shifts), then <see cref="PolyphasePool"/>. Output side ⌈H/2⌉. No parameters, so it takes the pool's slot.
/// </summary>
public sealed class MaxPolyphasePool : nn.Module<Tensor, Tensor>
{
    private readonly PolyphasePool aps = new();

    public MaxPolyphasePool() : base("MaxPolyphasePool") => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        using var wrapped = functional.pad(x, (0, 1, 0, 1), PaddingModes.Circular);
        using var dense = functional.max_pool2d(wrapped, [2, 2], [1, 1]);
        return aps.call(dense);
    }
}
