using static TorchSharp.torch;

namespace Myopia.Models;

/// <summary>
/// A network some of whose weights are computed from training images rather than drawn at random (the
/// patch-whitening layer of <see cref="AirbenchNet"/>). The trainer calls <see cref="InitializeFromData"/>
/// once, before the first epoch of a fresh run, with normalized training images cropped as the run
/// crops them (tiles when it trains on tiles); a resumed run takes those weights from its checkpoint.
/// </summary>
public interface IDataInitialized
{
    /// <param name="images">N x C x H x W normalized training images (float32, the model's device).</param>
    void InitializeFromData(Tensor images);
}
