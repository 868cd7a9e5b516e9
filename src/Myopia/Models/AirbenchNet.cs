using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// The small network of airbench94 (Keller Jordan, github.com/KellerJordan/cifar10-airbench,
/// legacy/airbench94.py), the fastest published CIFAR-10 training to 94%: a fixed 2x2 patch-whitening
/// conv (C -> 2·C·4, weights ±eigenvectors/√(eigenvalue + 5e-4) of the training set's 2x2 patch
/// covariance, not trained; trainable bias), GELU, then three groups of widths 64, 256, 256, each
/// conv3x3 -> max-pool 2 -> BN -> GELU -> conv3x3 -> BN -> GELU, then a global max pool, a linear layer
/// without bias and the logits scaled by 1/9. 1,971,640 parameters for 10 classes on RGB (the frozen
/// whitening weights included, as airbench counts them; airbench's frozen BN weights, 1,152 more, are absent).
/// </summary>
/// <remarks>
/// Batch norm as airbench's: eps 1e-12, momentum 0.4 in PyTorch's convention (airbench's 0.6 is the weight
/// of the old running value), weight frozen at 1 and therefore left out (affine-free BN plus a bias), and a
/// bias whose learning rate is 64 times the others' (airbench's bias_scaler). The 64 is built into the
/// network: the bias is stored divided by 8 and multiplied by 8 in the forward pass, which under SGD
/// gives the bias exactly 64x the step at the same weight decay per step as every other weight,
/// whatever the optimizer's single learning rate (under Adam it is an 8x step instead).
///
/// Convs are bias-free 3x3 'same' convs initialised as PyTorch's, then with their first C_in filters
/// set to the identity (Dirac), as airbench's. Differences from airbench94: the whitening bias trains
/// for the whole run (airbench freezes it after 3 epochs); pools keep a map of side 1 as it is (a
/// ceil-mode pool) instead of failing, and the final pool is global, so any input from 2x2 up runs:
/// on 32x32 images the maps are 31, 15, 7, 3 exactly as in airbench, an 8x8 tile gives 7, 3, 1, 1.
/// Not an <see cref="ISpatialClassifier"/>: the head pools by maximum, not mean. Antialiased, each pool
/// is a <see cref="MaxBlurPool"/> in the same slot.
/// </remarks>
public sealed class AirbenchNet : Module<Tensor, Tensor>, IDataInitialized
{
    public const int WhiteningKernel = 2;
    public const double WhiteningEps = 5e-4;
    public const double BatchNormMomentum = 0.4;
    public const double BatchNormEps = 1e-12;
    public const double BiasLearningRateScale = 64;
    public const double OutputScale = 1.0 / 9;
    public static readonly int[] Widths = [64, 256, 256];

    private readonly int channels;
    private readonly Conv2d whiten;
    private readonly Sequential blocks;
    private readonly Linear head;

    public AirbenchNet(int classes, int channels = 3, int antialias = 0) : base("airbench")
    {
        this.channels = channels;
        int whitenWidth = 2 * channels * WhiteningKernel * WhiteningKernel;
        whiten = Conv2d(channels, whitenWidth, WhiteningKernel, stride: 1, padding: 0L, bias: true);
        blocks = Sequential(
            new ConvGroup(whitenWidth, Widths[0], antialias),
            new ConvGroup(Widths[0], Widths[1], antialias),
            new ConvGroup(Widths[1], Widths[2], antialias));
        head = Linear(Widths[2], classes, hasBias: false);
        RegisterComponents();
        using (no_grad()) whiten.bias!.zero_();
        whiten.weight!.requires_grad = false;
    }

    /// <summary>The whitening conv's weights (2·C·4 x C x 2 x 2): fixed, saved in the state dict as whiten.weight.</summary>
    public Tensor WhiteningWeight => whiten.weight!;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var w = functional.gelu(whiten.call(x));
        var f = blocks.call(w);
        var pooled = f.amax([2, 3]);
        return head.call(pooled).mul_(OutputScale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sets the whitening weights from the 2x2 patches of <paramref name="images"/> (normalized N x C x H x W):
    /// with Σ = E[p pᵀ] = V Λ Vᵀ over every patch p (flattened c, y, x as the conv's weights are), the filters
    /// are the rows of Vᵀ, largest eigenvalue first, each divided by √(λ + 5e-4), followed by their negatives.
    /// The first half of the outputs then has covariance diag(λ / (λ + 5e-4)) ≈ I. Airbench uses 5,000 images.
    /// </summary>
    public void InitializeFromData(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != channels)
            throw new MyopiaException($"airbench whitening needs N x {channels} x H x W images, got [{string.Join(", ", images.shape)}]");
        if (images.shape[2] < WhiteningKernel || images.shape[3] < WhiteningKernel)
            throw new MyopiaException($"airbench whitening needs images of at least {WhiteningKernel}x{WhiteningKernel} pixels");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int k = WhiteningKernel, d = channels * k * k;
        var covariance = zeros(d, d, dtype: ScalarType.Float64, device: images.device);
        long count = 0;
        const long chunk = 256;
        for (long start = 0; start < images.shape[0]; start += chunk)
        {
            using var inner = NewDisposeScope();
            var part = images.narrow(0, start, Math.Min(chunk, images.shape[0] - start)).to_type(ScalarType.Float64);
            var patches = Patches(part, k);
            covariance.add_(patches.t().mm(patches));
            count += patches.shape[0];
        }
        covariance.div_(count);
        var (eigenvalues, eigenvectors) = linalg.eigh(covariance);
        // eigh sorts ascending and returns eigenvectors as columns; airbench puts the largest first.
        var values = eigenvalues.flip(0);
        var rows = eigenvectors.t().flip(0);
        var scaled = rows / (values + WhiteningEps).sqrt().unsqueeze(1);
        var weight = cat([scaled, scaled.neg()], 0).view(2 * d, channels, k, k);
        whiten.weight!.copy_(weight.to_type(whiten.weight.dtype));
    }

    /// <summary>Every k x k patch of N x C x H x W images as rows of (C·k·k) values, in the conv weight's order (c, y, x).</summary>
    public static Tensor Patches(Tensor images, int k)
    {
        long c = images.shape[1];
        using var unfolded = images.unfold(2, k, 1).unfold(3, k, 1); // N x C x H' x W' x k x k
        using var moved = unfolded.permute(0, 2, 3, 1, 4, 5);
        return moved.reshape(-1, c * k * k);
    }

    /// <summary>conv3x3 -> pool -> BN -> GELU -> conv3x3 -> BN -> GELU.</summary>
    private sealed class ConvGroup : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly Pool pool;
        private readonly ScaledBiasNorm norm1;
        private readonly Conv2d conv2;
        private readonly ScaledBiasNorm norm2;

        public ConvGroup(int cin, int cout, int antialias) : base("conv_group")
        {
            conv1 = DiracConv(cin, cout);
            pool = new Pool(cout, antialias);
            norm1 = new ScaledBiasNorm(cout);
            conv2 = DiracConv(cout, cout);
            norm2 = new ScaledBiasNorm(cout);
            RegisterComponents();
        }

        private static Conv2d DiracConv(int cin, int cout)
        {
            var conv = Conv2d(cin, cout, 3, padding: 1, bias: false);
            using var noGrad = no_grad();
            // airbench: PyTorch's default init, then dirac_ on the first cin filters (each passes its own input channel through).
            using var first = conv.weight!.narrow(0, 0, Math.Min(cin, cout));
            first.zero_();
            using var centre = first.select(3, 1).select(2, 1);
            using var identity = eye(Math.Min(cin, cout), cin);
            centre.copy_(identity);
            return conv;
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = functional.gelu(norm1.call(pool.call(conv1.call(x))));
            var y = functional.gelu(norm2.call(conv2.call(h)));
            return y.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Max pool 2 (or its antialiased form); a map of side 1 passes through, as a ceil-mode pool would keep it.</summary>
    private sealed class Pool : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> pool;

        public Pool(long channels, int antialias) : base("pool")
        {
            pool = antialias > 0 ? new MaxBlurPool(channels, antialias) : MaxPool2d(2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) =>
            x.shape[2] < 2 || x.shape[3] < 2
                ? functional.max_pool2d(x, [2, 2], [2, 2], ceil_mode: true)
                : pool.call(x);
    }

    /// <summary>Batch norm with weight 1 (frozen, so absent) and a bias stored divided by √64 = 8: 64x its learning rate under SGD.</summary>
    private sealed class ScaledBiasNorm : Module<Tensor, Tensor>
    {
        private static readonly double Scale = Math.Sqrt(BiasLearningRateScale);
        private readonly BatchNorm2d norm;
        private readonly Parameter bias;

        public ScaledBiasNorm(long features) : base("norm")
        {
            norm = BatchNorm2d(features, eps: BatchNormEps, momentum: BatchNormMomentum, affine: false);
            bias = Parameter(zeros(features));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var normalized = norm.call(x);
            using var b = bias.mul(Scale).view(1, -1, 1, 1);
            return normalized + b;
        }
    }
}
