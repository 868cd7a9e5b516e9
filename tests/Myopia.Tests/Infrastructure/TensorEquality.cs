using static TorchSharp.torch;

namespace Myopia.Tests.Infrastructure;

/// <summary>Exact tensor equality as a bool (TorchSharp's <c>equal</c> is element-wise, like <c>eq</c>).</summary>
public static class TensorEquality
{
    public static bool Same(this Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var eq = a.eq(b);
        return eq.all().item<bool>();
    }
}
