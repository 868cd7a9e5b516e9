namespace Myopia.Data.Synthetic;

/// <summary>
/// A tiny, fast, fully specified random generator (Steele et al. 2014). Used instead of
/// System.Random so the synthetic data are identical on every runtime and each image can have its
/// own stream (generation is parallel, yet deterministic).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong state = seed;

    public ulong Next()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, n).</summary>
    public int Below(int n) => (int)((Next() >> 33) * (ulong)n >> 31);

    /// <summary>Uniform in [0, 1).</summary>
    public float Uniform() => (Next() >> 40) * (1f / (1 << 24));

    /// <summary>
    /// Approximately standard normal: the sum of four 16-bit uniforms (Irwin-Hall), centred and
    /// scaled to unit variance. One generator call per sample is what keeps generation fast.
    /// </summary>
    public float Gaussian()
    {
        var r = Next();
        var sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
        return (sum * (1f / 65536f) - 2f) * 1.7320508f;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double UniformDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Exactly standard normal (Box-Muller on two 53-bit uniforms), for draws whose law matters to the last digit.</summary>
    public double StandardNormal()
    {
        double u = 1.0 - UniformDouble(); // (0, 1]: the logarithm stays finite
        double v = UniformDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>A seed for stream <paramref name="index"/> of <paramref name="seed"/>, decorrelated from its neighbours.</summary>
    public static ulong Derive(long seed, long stream, long index)
    {
        var mix = new SplitMix64((ulong)seed * 0xD1B54A32D192ED03UL ^ (ulong)stream * 0x8CB92BA72F3D8DD7UL ^ (ulong)index);
        mix.Next();
        return mix.Next();
    }
}
