using Myopia.Data;
using Myopia.Models;

namespace Myopia.Classifiers;

/// <summary>
/// What a model file may not say about itself, given on the command line or in code; each value,
/// when set, overrides the model card (a JSON beside the file) and the checkpoint.
/// </summary>
/// <param name="Architecture">Registry architecture of a state_dict or safetensors file (e.g. resnet18).</param>
/// <param name="Stem">Stem of that architecture (study, cifar, imagenet).</param>
/// <param name="Antialias">BlurPool filter size for the architecture (0: none).</param>
/// <param name="Classes">Number of outputs.</param>
/// <param name="ClassNames">One name per output.</param>
/// <param name="Normalization">Per-channel mean and std the network was trained with.</param>
/// <param name="InputShape">Channels, height, width the network takes.</param>
/// <param name="Tile">Tile side the network was trained on.</param>
/// <param name="Seed">Seed of the initial weights of a registry architecture named without a file.</param>
/// <param name="Device">Where the network runs.</param>
/// <param name="Compute">Precision and layout of its forward passes (null: FP32, standard layout).</param>
public sealed record ClassifierOptions(
    string? Architecture = null,
    Stem? Stem = null,
    int? Antialias = null,
    int? Classes = null,
    IReadOnlyList<string>? ClassNames = null,
    Normalization? Normalization = null,
    (int Channels, int Height, int Width)? InputShape = null,
    int? Tile = null,
    int Seed = 0,
    TorchSharp.torch.Device? Device = null,
    Compute.ComputeChoice? Compute = null);
