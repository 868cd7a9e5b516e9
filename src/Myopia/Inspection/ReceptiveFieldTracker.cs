using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Myopia.Inspection;

/// <summary>
/// Follows the receptive field and cumulative stride through the layer calls of one forward pass, in
/// forward order, from each layer's kernel, stride, dilation and padding.
/// </summary>
/// <remarks>
/// <para>Each output a layer hands on is remembered (by object: a Sequential passes the same tensor to
/// the next layer), so a layer fed by another layer's output starts from that output's geometry.
/// A layer fed by something no layer produced (a functional ReLU, a residual sum) starts from the main
/// path: the last layer outside shortcuts. A residual sum takes the wider of its two branches, and the
/// shortcut never is wider, so the main path's field is the sum's field.</para>
/// <para>Shortcut layers do not advance the main path: a module path with a <c>downsample</c> or
/// <c>shortcut</c> segment (torchvision's and the CIFAR ResNets' names), or a 1x1 conv whose input is
/// not the previous layer's output. When a shortcut is fed by something no layer produced, it starts
/// from the geometry of the block's input: the input of the first layer called inside the block
/// (the module holding the shortcut).</para>
/// <para>A map whose side changes between layers with no layer in between (a functional pool in some
/// forward) is taken through a pool of the ratio; a map that loses its spatial axes (a mean in a
/// forward, a Flatten) is collapsed: one value depending on all its positions.</para>
/// </remarks>
internal sealed class ReceptiveFieldTracker
{
    private static readonly string[] ShortcutNames = ["downsample", "shortcut"];

    private readonly Tensor image;
    private readonly Dictionary<Tensor, FieldGeometry> producedBy = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, FieldGeometry> blockInput = [];
    private FieldGeometry mainPath;
    private Tensor? previousOutput;

    public ReceptiveFieldTracker(Tensor image)
    {
        this.image = image;
        mainPath = FieldGeometry.Image(image.shape[2]);
    }

    /// <summary>The geometry of the call's output, and whether the call is on a shortcut.</summary>
    public (FieldGeometry Output, bool Shortcut) Observe(LayerCall call)
    {
        var isOneByOneConv = call.Module is Conv2d { kernel_size: [1, ..] };
        var shortcutBlock = ShortcutBlock(call.ModulePath)
                            ?? (isOneByOneConv && !ReferenceEquals(call.Input, previousOutput) ? Parent(call.ModulePath) : null);
        var shortcut = shortcutBlock is not null;

        var source = producedBy.TryGetValue(call.Input, out var known) ? known
            : ReferenceEquals(call.Input, image) ? FieldGeometry.Image(image.shape[2])
            : shortcut && blockInput.TryGetValue(shortcutBlock!, out var entry) ? entry
            : mainPath;
        var input = Reconciled(source, call.Input);
        if (call.Call == 1)
            foreach (var block in Ancestors(call.ModulePath))
                blockInput.TryAdd(block, input);

        var output = Spatial(call.Output) is { } outputSide
            ? input.Side is { } inputSide ? input.Through(SpatialFootprint.Of(call.Module, inputSide, outputSide), outputSide) : input with { Side = outputSide }
            : input.Collapsed();

        producedBy[call.Output] = output;
        previousOutput = call.Output;
        if (!shortcut) mainPath = output;
        return (output, shortcut);
    }

    /// <summary>The source geometry brought to the map the layer actually receives.</summary>
    private static FieldGeometry Reconciled(FieldGeometry source, Tensor input) => (Spatial(input), source.Side) switch
    {
        (null, not null) => source.Collapsed(),
        ({ } side, null) => source with { Side = side },
        ({ } side, { } before) when side != before => source.Through(SpatialFootprint.Resampling(before, side), side),
        _ => source,
    };

    /// <summary>Rows of an N x C x H x W map; null for anything without spatial axes.</summary>
    private static long? Spatial(Tensor t) => t.dim() == 4 ? t.shape[2] : null;

    private static string? ShortcutBlock(string path)
    {
        var segments = path.Split('.');
        var at = Array.FindIndex(segments, s => ShortcutNames.Contains(s, StringComparer.OrdinalIgnoreCase));
        return at < 0 ? null : string.Join('.', segments[..at]);
    }

    private static string Parent(string path) => path.Contains('.') ? path[..path.LastIndexOf('.')] : "";

    private static IEnumerable<string> Ancestors(string path)
    {
        yield return "";
        for (var dot = path.IndexOf('.'); dot >= 0; dot = path.IndexOf('.', dot + 1))
            yield return path[..dot];
    }
}
