using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Myopia.Models;

/// <summary>
/// torchvision's initialisation of its ResNets and VGGs: convolutions Kaiming-normal (fan_out, relu)
/// with zero bias, batch norm weight 1 and bias 0; VGG also draws its linear layers from N(0, 0.01).
/// </summary>
public static class TorchvisionInit
{
    public static void Apply(Module model, bool linearLayers = false)
    {
        using var _ = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    if (conv.bias is not null) init.zeros_(conv.bias);
                    break;
                case BatchNorm2d bn:
                    init.ones_(bn.weight);
                    init.zeros_(bn.bias);
                    break;
                case Linear linear when linearLayers:
                    init.normal_(linear.weight, 0, 0.01);
                    init.zeros_(linear.bias);
                    break;
            }
        }
    }
}
