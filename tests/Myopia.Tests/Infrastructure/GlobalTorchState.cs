namespace Myopia.Tests.Infrastructure;

/// <summary>
/// Tests that rely on, or change, libtorch's process-wide state run alone, never beside other tests:
/// the global random generator (a trainer seeds it, then initialises its model from it: another test
/// drawing numbers at the same moment would shift the draws) and the global thread count (the linear
/// lab runs single-threaded; a thread count changing under a training test changes its float
/// reduction order). Both would break the bit-for-bit reproducibility those tests check.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchState
{
    public const string Name = "uses libtorch's global random generator or thread count";
}
