using Myopia.Data.Synthetic;
using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// The "diffeomorphism" of the two-point scale-detection task (Tomasini et al. 2023): every active
/// (non-zero) pixel moves to a neighbour, in the direction round(g/‖g‖) of a standard Gaussian g in the
/// plane, clamped to the image. One independent draw per active pixel, from a generator seeded by (seed,
/// dataset index of the image) like <see cref="DiffeoGenerator"/>, so the result does not depend on batching.
/// </summary>
/// <remarks>
/// g/‖g‖ is a uniformly distributed angle θ; round(cos θ) is ±1 when |cos θ| ≥ ½ (60° either side of the
/// axis) and round(sin θ) likewise, and the two arcs overlap on 30° around each diagonal. So each axial
/// neighbour has probability 60°/360° = 1/6 and each diagonal one 30°/360° = 1/12 (4/6 + 4/12 = 1: a pixel
/// always moves, unless clamping keeps it on the border). The image is expected with a zero background,
/// as the twopoints dataset's normalization leaves it; every channel of an active position moves together,
/// and two pixels that land on the same place add up (the image's total mass is kept).
/// </remarks>
public sealed class LocalTranslation : IDeformation
{
    // Stream of SplitMix64.Derive for the moves, apart from the streams of the noise and of the diffeo fields.
    private const long Stream = 0x10CA1;

    public string Description => "local translation: each active pixel moved to a neighbour, round of a random unit direction (axial 1/6, diagonal 1/12 each), clamped";

    /// <summary>The step (row, column), each in {−1, 0, 1}, drawn for one active pixel.</summary>
    public static (int Row, int Column) Step(ref SplitMix64 random)
    {
        double gy = random.StandardNormal(), gx = random.StandardNormal();
        double norm = Math.Sqrt(gx * gx + gy * gy);
        if (norm == 0) return (0, 1); // probability zero; any direction will do
        return ((int)Math.Round(gy / norm, MidpointRounding.AwayFromZero), (int)Math.Round(gx / norm, MidpointRounding.AwayFromZero));
    }

    public Tensor Apply(Tensor images, long firstIndex, long seed)
    {
        if (images.dim() != 4) throw new ArgumentException($"images must be N x C x H x W, got [{string.Join(", ", images.shape)}]");
        long n = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        using var source = images.to(ScalarType.Float64, CPU).contiguous();
        var input = source.data<double>().ToArray();
        var output = new double[input.Length];
        long plane = height * width;
        for (long p = 0; p < n; p++)
        {
            var random = new SplitMix64(SplitMix64.Derive(seed, Stream, firstIndex + p));
            long image = p * channels * plane;
            for (long y = 0; y < height; y++)
                for (long x = 0; x < width; x++)
                {
                    bool active = false;
                    for (long c = 0; c < channels && !active; c++) active = input[image + c * plane + y * width + x] != 0;
                    if (!active) continue;
                    var (dy, dx) = Step(ref random);
                    long ty = Math.Clamp(y + dy, 0, height - 1), tx = Math.Clamp(x + dx, 0, width - 1);
                    for (long c = 0; c < channels; c++)
                        output[image + c * plane + ty * width + tx] += input[image + c * plane + y * width + x];
                }
        }
        using var moved = tensor(output, [n, channels, height, width], ScalarType.Float64);
        return moved.to(images.dtype, images.device);
    }
}
