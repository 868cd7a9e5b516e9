namespace Myopia.Tests.Infrastructure;

/// <summary>
/// Tests that change libtorch's global thread count (the linear lab runs single-threaded) run alone:
/// a thread count changing under a concurrent training test changes its float reduction order and so
/// breaks that test's bit-for-bit reproducibility checks.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreadSettings
{
    public const string Name = "changes libtorch thread count";
}
