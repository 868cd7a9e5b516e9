using static TorchSharp.torch;

namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// A random deformation τ of images, one independent draw per image, deterministic by (seed, dataset
/// index of the image), so a measurement does not depend on how the probes are batched. The max-entropy
/// diffeomorphisms of natural images (<see cref="DiffeoGenerator"/>) and the scale-detection tasks' local
/// translations are two of them; <see cref="DiffeoSensitivity"/> takes any.
/// </summary>
public interface IDeformation
{
    /// <summary>What the deformation is, with its parameters, for reports.</summary>
    string Description { get; }

    /// <summary>τx for every image of <paramref name="images"/> (N x C x H x W; image i is dataset image
    /// <paramref name="firstIndex"/> + i). The result has the images' shape, dtype and device.</summary>
    Tensor Apply(Tensor images, long firstIndex, long seed);

    /// <summary>What τx is compared against: the images themselves, or for a smoothing warp the images
    /// passed through the same smoothing with no displacement.</summary>
    Tensor Reference(Tensor images) => images.view(images.shape);
}
