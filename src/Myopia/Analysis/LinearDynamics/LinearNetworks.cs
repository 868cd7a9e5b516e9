using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

/// <summary>A two-layer linear network trained by full-batch gradient descent on MSE.</summary>
public interface ILinearNetwork : IDisposable
{
    string Kind { get; }
    /// <summary>P x N inputs to P x p outputs.</summary>
    Tensor Forward(Tensor x);
    IReadOnlyList<Parameter> Parameters { get; }
}

/// <summary>
/// Linear CNN: a circular, unnormalised convolution with one kernel r (full size, or k x k placed
/// in the corner of an n x n array), then a fully connected layer W: y = W (r * x). The convolution
/// is computed as Re IFFT(FFT(r) FFT(x)), which the 2-D DFT diagonalises exactly.
/// </summary>
public sealed class LinearCnn : ILinearNetwork
{
    private readonly int[] shape;
    private readonly long[] dims;
    private readonly int? kernelSide;

    public LinearCnn(int[] shape, int outputs, double epsilon, Generator generator, int? kernel = null)
    {
        this.shape = shape;
        dims = shape.Length == 1 ? [-1] : [-2, -1];
        kernelSide = kernel;
        long[] kernelShape = kernel is { } k
            ? shape.Select(_ => (long)Math.Min(k, shape[0])).ToArray()
            : shape.Select(s => (long)s).ToArray();
        int n = shape.Aggregate(1, (a, b) => a * b);
        Kernel = new Parameter(normal(0, epsilon, kernelShape, ScalarType.Float64, generator: generator));
        W = new Parameter(normal(0, epsilon, [outputs, n], ScalarType.Float64, generator: generator));
    }

    public string Kind => "cnn";
    public Parameter Kernel { get; }
    public Parameter W { get; }
    public IReadOnlyList<Parameter> Parameters => [Kernel, W];

    /// <summary>The kernel as a full n x n (or n) array: zero outside a k x k kernel.</summary>
    public Tensor FullKernel()
    {
        if (kernelSide is null) return Kernel.alias();
        var pad = shape.Reverse().SelectMany(s => new long[] { 0, s - Kernel.shape[0] }).ToArray();
        return nn.functional.pad(Kernel, pad);
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var images = x.view([x.shape[0], .. shape.Select(s => (long)s)]);
        var conv = fft.ifftn(fft.fftn(FullKernel(), dim: dims) * fft.fftn(images, dim: dims), dim: dims).real;
        return conv.reshape(x.shape[0], -1).matmul(W.t()).MoveToOuterDisposeScope();
    }

    /// <summary>|r~| = |Q r|, the unitary spectrum of the kernel.</summary>
    public Tensor KernelSpectrum()
    {
        using var noGrad = no_grad();
        using var full = FullKernel();
        return fft.fftn(full, dim: dims, norm: FFTNormType.Ortho).abs();
    }

    public void Dispose()
    {
        Kernel.Dispose();
        W.Dispose();
    }
}

/// <summary>Linear fully connected network y = W2 W1 x with a hidden width.</summary>
public sealed class LinearFcnn : ILinearNetwork
{
    public LinearFcnn(int inputs, int hidden, int outputs, double epsilon, Generator generator)
    {
        W1 = new Parameter(normal(0, epsilon, [hidden, inputs], ScalarType.Float64, generator: generator));
        W2 = new Parameter(normal(0, epsilon, [outputs, hidden], ScalarType.Float64, generator: generator));
    }

    public string Kind => "fcnn";
    public Parameter W1 { get; }
    public Parameter W2 { get; }
    public IReadOnlyList<Parameter> Parameters => [W1, W2];

    public Tensor Forward(Tensor x)
    {
        using var h = x.matmul(W1.t());
        return h.matmul(W2.t());
    }

    public void Dispose()
    {
        W1.Dispose();
        W2.Dispose();
    }
}
