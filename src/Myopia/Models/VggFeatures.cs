using Myopia.Models.Antialiasing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// The convolutional part of VGG (configurations A, B, D of Simonyan and Zisserman: VGG11, VGG13,
/// VGG16), numbered exactly as torchvision's <c>features</c>: 3x3 conv (pad 1, with bias), [BN], ReLU,
/// ..., with a 2x2 stride-2 max pool after each stage. Antialiased, each pool is a
/// <see cref="MaxBlurPool"/> in the same slot, so <c>features.N</c> names the same layers.
/// </summary>
public static class VggFeatures
{
    private const int Pool = 0;

    // Channel widths, with Pool (0) marking a 2x2 max-pool.
    private static readonly Dictionary<int, int[]> Configurations = new()
    {
        [11] = [64, Pool, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool],
        [13] = [64, 64, Pool, 128, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool],
        [16] = [64, 64, Pool, 128, 128, Pool, 256, 256, 256, Pool, 512, 512, 512, Pool, 512, 512, 512, Pool],
    };

    public const int OutputChannels = 512;

    /// <param name="depth">11, 13 or 16.</param>
    /// <param name="ceilMode">Ceil-mode pools (the CIFAR VGG, so any side from 8 up works) or torchvision's floor mode.</param>
    /// <param name="geometry">Receives the (kernel, stride) of each layer, for receptive-field arithmetic.</param>
    public static Sequential Create(int depth, int channels, bool batchNorm, bool ceilMode, int antialias,
        List<(int Kernel, int Stride)> geometry)
    {
        if (!Configurations.TryGetValue(depth, out var configuration))
            throw new MyopiaException($"no VGG of depth {depth}; known depths: {string.Join(", ", Configurations.Keys)}");
        var layers = new List<Module<Tensor, Tensor>>();
        var cin = channels;
        foreach (var width in configuration)
        {
            if (width == Pool)
            {
                if (antialias > 0)
                {
                    layers.Add(new MaxBlurPool(cin, antialias, kernel: 2, ceilMode: ceilMode));
                    geometry.AddRange([(2, 1), (antialias, 2)]);
                }
                else
                {
                    layers.Add(MaxPool2d(2, stride: 2, ceil_mode: ceilMode));
                    geometry.Add((2, 2));
                }
                continue;
            }
            layers.Add(Conv2d(cin, width, 3, padding: 1));
            if (batchNorm) layers.Add(BatchNorm2d(width));
            layers.Add(ReLU(inplace: true));
            geometry.Add((3, 1));
            cin = width;
        }
        return Sequential(layers);
    }
}
