namespace Myopia.Tests.Infrastructure;

/// <summary>
/// Locates ../shared/data (real CIFAR-10 and MNIST). Tests that need it call <see cref="Require"/>,
/// which skips the test with a visible reason when the folder is absent.
/// </summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("MYOPIA_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, "README.md")))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    public static string Cifar10Archive => Path.Combine(Root ?? "", "cifar10-jpeg.tar.gz");
    public static string MnistFolder => Path.Combine(Root ?? "", "mnist");
}

/// <summary>A fact that needs ../shared/data; reported as skipped, with the reason, where it is absent.</summary>
public sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute()
    {
        if (SharedData.Root == null)
            Skip = "real data folder ../shared/data not found (set MYOPIA_SHARED_DATA to point at it)";
    }
}
