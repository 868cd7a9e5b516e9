using Myopia.Data.Synthetic;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// Maximum-entropy diffeomorphisms (Petrini et al. 2021; pcsl-epfl/diffeomorphism, diff.py), batched, with
/// an independent field per image drawn from a generator seeded by (seed, image index).
/// Each displacement component is a sine series that vanishes on the border,
/// φ(u, v) = Σ_{i,j=1..c} a_ij sin(iπu) sin(jπv), a_ij ~ N(0, 1/(i² + j²)), kept only where √(i² + j²) &lt; c + ½
/// (the code's cutoff, which keeps 6 modes at c = 3 where the paper's i² + j² ≤ c² keeps 4), u = x/(W−1) the
/// column and v = y/(H−1) the row coordinate. Displacements in pixels: Δx = W·√T·φ₁, Δy = H·√T·φ₂ (the code's
/// factor n on a square image; on a rectangle each axis is scaled by its own length). The warp maps backwards,
/// out(y, x) = in(y − Δy, x − Δx), with the source coordinate clamped to the image and read by an integer gather
/// on the flattened index, exactly as the code does (not grid_sample).
/// </summary>
public sealed class DiffeoGenerator : IDeformation
{
    /// <summary>σ of the Gaussian interpolation, in pixels (diff.py).</summary>
    public const double GaussianSigma = 0.4715;

    // Gaussian weights are summed over a window of ±GaussianRadius pixels around the source point: beyond it a weight
    // is below exp(−4²/(2σ²)) ≈ 2e−16 of the nearest one, under double precision, so the window equals the code's
    // normalisation over every pixel without its N² cost.
    private const int GaussianRadius = 4;

    public DiffeoGenerator(double temperature, int cutoff = 3, WarpInterpolation interpolation = WarpInterpolation.Bilinear)
    {
        if (cutoff < 1) throw new MyopiaException($"the mode cutoff c must be at least 1, got {cutoff}");
        if (!(temperature >= 0) || double.IsInfinity(temperature)) throw new MyopiaException($"the temperature must be a number >= 0, got {temperature}");
        Temperature = temperature;
        Cutoff = cutoff;
        Interpolation = interpolation;
        Weights = ModeWeights(cutoff);
    }

    /// <summary>A generator whose typical displacement is <paramref name="delta"/> pixels on images of side <paramref name="side"/>.</summary>
    public static DiffeoGenerator ForDisplacement(double delta, double side, int cutoff = 3, WarpInterpolation interpolation = WarpInterpolation.Bilinear) =>
        new(DiffeoTemperature.ForDisplacement(delta, side, cutoff), cutoff, interpolation);

    public double Temperature { get; }
    public int Cutoff { get; }
    public WarpInterpolation Interpolation { get; }

    /// <summary>c x c standard deviations of the coefficients a_ij (i: x mode, j: y mode): 1/√(i² + j²) inside the cutoff, 0 outside.</summary>
    public double[,] Weights { get; }

    public string Description => $"max-entropy diffeomorphisms, T = {Temperature:G4}, cutoff c = {Cutoff}, {WarpInterpolations.Name(Interpolation)} warp";

    /// <summary>The standard deviations of the modes: 1/r for r = √(i² + j²) &lt; c + ½ (the code's rule), else 0.</summary>
    public static double[,] ModeWeights(int cutoff)
    {
        var weights = new double[cutoff, cutoff];
        for (int i = 1; i <= cutoff; i++)
            for (int j = 1; j <= cutoff; j++)
            {
                double r = Math.Sqrt(i * i + j * j);
                weights[i - 1, j - 1] = r < cutoff + 0.5 ? 1.0 / r : 0.0;
            }
        return weights;
    }

    /// <summary>
    /// The displacement fields of images <paramref name="firstIndex"/> .. + <paramref name="count"/> − 1, as
    /// (Δx, Δy), each count x H x W in float64 on the CPU: image p draws its 2c² coefficients from its own
    /// stream of (<paramref name="seed"/>, p).
    /// </summary>
    public (Tensor Dx, Tensor Dy) Fields(long firstIndex, long count, int height, int width, long seed)
    {
        if (height < 2 || width < 2) throw new MyopiaException($"a diffeomorphism needs images of at least 2x2 pixels, got {height}x{width}");
        int c = Cutoff;
        var coefficients = new double[count * 2 * c * c];
        for (long p = 0; p < count; p++)
        {
            var random = new SplitMix64(SplitMix64.Derive(seed, 0x0D1FFE0, firstIndex + p));
            long at = p * 2 * c * c;
            for (int component = 0; component < 2; component++)
                for (int i = 0; i < c; i++)
                    for (int j = 0; j < c; j++)
                        coefficients[at++] = random.StandardNormal() * Weights[i, j];
        }
        using var scope = NewDisposeScope();
        var a = tensor(coefficients, [count, 2, c, c], ScalarType.Float64);
        var sx = Sines(width, c);   // W x c: sin(iπ x/(W−1))
        var sy = Sines(height, c);  // H x c: sin(jπ y/(H−1))
        // φ[p, k, y, x] = Σ_ij a[p, k, i, j] sx[x, i] sy[y, j]: the einsum 'ij,xi,yj->yx' of diff.py, per image and component.
        var phi = einsum("pkij,xi,yj->pkyx", a, sx, sy);
        double root = Math.Sqrt(Temperature);
        var dx = (phi.select(1, 0) * (root * width)).contiguous();
        var dy = (phi.select(1, 1) * (root * height)).contiguous();
        return (dx.DetachFromDisposeScope(), dy.DetachFromDisposeScope());
    }

    public Tensor Apply(Tensor images, long firstIndex, long seed)
    {
        CheckImages(images);
        var (dx, dy) = Fields(firstIndex, images.shape[0], (int)images.shape[2], (int)images.shape[3], seed);
        using (dx) using (dy)
            return Warp(images, dx, dy, Interpolation);
    }

    public Tensor Reference(Tensor images)
    {
        if (Interpolation != WarpInterpolation.Gaussian) return images.view(images.shape);
        CheckImages(images);
        using var zero = zeros([images.shape[0], images.shape[2], images.shape[3]], ScalarType.Float64);
        return Warp(images, zero, zero, WarpInterpolation.Gaussian);
    }

    /// <summary>
    /// The backward warp out(c, y, x) = in(c, y − dy(y, x), x − dx(y, x)) of every image (N x C x H x W) by its own
    /// field (N x H x W, pixels), the source clamped to [0, H−1] x [0, W−1]. Weights are computed in float64 and
    /// applied in the images' dtype.
    /// </summary>
    public static Tensor Warp(Tensor images, Tensor dx, Tensor dy, WarpInterpolation interpolation)
    {
        CheckImages(images);
        long n = images.shape[0], channels = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        var device = images.device;
        var rows = arange(h, ScalarType.Float64, device).view(1, h, 1);
        var cols = arange(w, ScalarType.Float64, device).view(1, 1, w);
        var xn = (cols - dx.to(ScalarType.Float64, device)).clamp(0, w - 1);
        var yn = (rows - dy.to(ScalarType.Float64, device)).clamp(0, h - 1);
        var flat = images.flatten(2); // N x C x HW
        Tensor Read(Tensor y, Tensor x)
        {
            var index = (y * w + x).to_type(ScalarType.Int64).view(n, 1, h * w).expand(n, channels, h * w);
            return flat.gather(2, index);
        }
        Tensor Weight(Tensor t) => t.view(n, 1, h * w).to_type(images.dtype);
        Tensor result;
        switch (interpolation)
        {
            case WarpInterpolation.Bilinear:
            {
                var xf = xn.floor(); var xc = xn.ceil(); var yf = yn.floor(); var yc = yn.ceil();
                var fx = xn - xf; var fy = yn - yf;
                result = Weight((1 - fy) * (1 - fx)) * Read(yf, xf) + Weight((1 - fy) * fx) * Read(yf, xc)
                       + Weight(fy * (1 - fx)) * Read(yc, xf) + Weight(fy * fx) * Read(yc, xc);
                break;
            }
            case WarpInterpolation.Nearest:
                result = Read(yn.round(), xn.round());
                break;
            case WarpInterpolation.Gaussian:
            {
                var x0 = xn.floor(); var y0 = yn.floor();
                var sum = zeros_like(flat);
                var norm = zeros([n, 1, h * w], ScalarType.Float64, device);
                for (int oy = -GaussianRadius; oy <= GaussianRadius + 1; oy++)
                    for (int ox = -GaussianRadius; ox <= GaussianRadius + 1; ox++)
                    {
                        var py = y0 + oy; var px = x0 + ox;
                        var inside = (py >= 0) & (py <= h - 1) & (px >= 0) & (px <= w - 1);
                        var weight = ((-(yn - py).square() - (xn - px).square()) / (2 * GaussianSigma * GaussianSigma)).exp() * inside.to_type(ScalarType.Float64);
                        sum += Weight(weight) * Read(py.clamp(0, h - 1), px.clamp(0, w - 1));
                        norm += weight.view(n, 1, h * w);
                    }
                result = sum / norm.to_type(images.dtype);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(interpolation));
        }
        return result.view(n, channels, h, w).DetachFromDisposeScope();
    }

    private static Tensor Sines(int points, int modes)
    {
        var u = linspace(0, 1, points, ScalarType.Float64);                 // u_k = k/(n−1), as torch.linspace(0, 1, n)
        var k = arange(1, modes + 1, ScalarType.Float64);
        return (Math.PI * u.unsqueeze(1) * k.unsqueeze(0)).sin();
    }

    private static void CheckImages(Tensor images)
    {
        if (images.dim() != 4) throw new MyopiaException($"images must be N x C x H x W, got [{string.Join(", ", images.shape)}]");
    }
}
