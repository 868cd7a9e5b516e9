namespace Myopia.Models;

/// <summary>
/// Receptive-field arithmetic for a chain of layers: each layer of kernel k and stride s widens the
/// field by (k - 1) times the product of the strides before it. Parallel shortcuts (1x1 convs,
/// identities) never see farther than the main path, so the main path alone gives the field.
/// </summary>
public static class ReceptiveField
{
    /// <summary>Side, in input pixels, of the field of one output position after <paramref name="layers"/>.</summary>
    public static int Of(IEnumerable<(int Kernel, int Stride)> layers)
    {
        int field = 1, jump = 1;
        foreach (var (kernel, stride) in layers)
        {
            field += (kernel - 1) * jump;
            jump *= stride;
        }
        return field;
    }
}
