using Myopia.Data.Synthetic;

namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>
/// The 1-D task's "diffeomorphism" (the authors' diffeo_cluster_mean.py): each active site moves by ±1 with
/// a random sign, clamped to [0, n − 1]; a move that takes a site into another block ⌊r/ξ⌋ is undone, so the
/// label never changes. Deterministic by (seed, probe index).
/// </summary>
public static class SiteShift
{
    private const long Stream = 0x517E5;

    /// <summary>The moved sites of <paramref name="pairs"/> (probe i draws from its own stream).</summary>
    public static List<(int First, int Second)> Apply(IReadOnlyList<SitePair> pairs, int length, int xi, long seed)
    {
        var moved = new List<(int, int)>(pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            var random = new SplitMix64(SplitMix64.Derive(seed, Stream, i));
            moved.Add((Move(pairs[i].First, ref random, length, xi), Move(pairs[i].Second, ref random, length, xi)));
        }
        return moved;
    }

    /// <summary>One site moved by ±1: clamped to the signal, kept where it was if the move leaves its block.</summary>
    public static int Move(int site, ref SplitMix64 random, int length, int xi)
    {
        int step = (random.Next() >> 63) == 0 ? -1 : 1;
        int target = Math.Clamp(site + step, 0, length - 1);
        return target / xi == site / xi ? target : site;
    }
}
