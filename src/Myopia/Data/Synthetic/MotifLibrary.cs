namespace Myopia.Data.Synthetic;

/// <summary>
/// The patterns of the synthetic dataset, all derived from the seed.
/// <list type="bullet">
/// <item>Atoms: <see cref="SyntheticOptions.AtomCount"/> small (MotifSize/2) colour patterns over
/// one shared palette; every atom is used by many classes and by the distractors, so an atom alone
/// says little about the label.</item>
/// <item>Class motifs: 2x2 arrangements of atoms, <see cref="SyntheticOptions.VariantsPerClass"/>
/// a class. Classes come in pairs (2k, 2k+1) whose motifs share their top row of atoms: a view
/// smaller than the motif cannot tell the pair apart.</item>
/// <item>Distractors: a pool of further 2x2 arrangements of the same atoms, placed in images of
/// every class; they are never equal to a class motif.</item>
/// </list>
/// </summary>
public sealed class MotifLibrary
{
    /// <summary>Saturated colours the atoms are painted with; the background uses none of them.</summary>
    private static readonly float[][] Palette =
    [
        [0.95f, 0.15f, 0.10f], [0.10f, 0.80f, 0.20f], [0.15f, 0.25f, 0.95f], [0.95f, 0.90f, 0.10f],
        [0.90f, 0.15f, 0.85f], [0.10f, 0.90f, 0.90f], [0.98f, 0.98f, 0.98f], [0.03f, 0.03f, 0.03f],
    ];

    public MotifLibrary(SyntheticOptions options)
    {
        options.Validate();
        Options = options;
        var random = new SplitMix64(SplitMix64.Derive(options.Seed, stream: 0, index: 0));
        var a = options.AtomSize;

        Atoms = new float[options.AtomCount][];
        for (var atom = 0; atom < options.AtomCount; atom++)
        {
            // Draw until the atom is not flat (a one-colour atom would be a colour cue, not a shape).
            float[] pixels;
            do
            {
                pixels = new float[3 * a * a];
                var colours = new HashSet<int>();
                for (var p = 0; p < a * a; p++)
                {
                    var colour = random.Below(Palette.Length);
                    colours.Add(colour);
                    for (var c = 0; c < 3; c++) pixels[c * a * a + p] = Palette[colour][c];
                }
                if (colours.Count >= Math.Min(2, a * a)) break;
            } while (true);
            Atoms[atom] = pixels;
        }

        var used = new HashSet<(int, int, int, int)>();
        (int, int, int, int) Fresh(int? top0 = null, int? top1 = null)
        {
            while (true)
            {
                var tuple = (top0 ?? random.Below(options.AtomCount), top1 ?? random.Below(options.AtomCount),
                             random.Below(options.AtomCount), random.Below(options.AtomCount));
                if (used.Add(tuple)) return tuple;
            }
        }

        ClassMotifs = new int[options.Classes][][];
        for (var pair = 0; pair < options.Classes / 2; pair++)
        {
            ClassMotifs[2 * pair] = new int[options.VariantsPerClass][];
            ClassMotifs[2 * pair + 1] = new int[options.VariantsPerClass][];
            for (var v = 0; v < options.VariantsPerClass; v++)
            {
                var first = Fresh();
                var second = Fresh(first.Item1, first.Item2); // same top row, different bottom row
                ClassMotifs[2 * pair][v] = [first.Item1, first.Item2, first.Item3, first.Item4];
                ClassMotifs[2 * pair + 1][v] = [second.Item1, second.Item2, second.Item3, second.Item4];
            }
        }

        Distractors = new int[options.DistractorPoolSize][];
        for (var d = 0; d < options.DistractorPoolSize; d++)
        {
            var t = Fresh();
            Distractors[d] = [t.Item1, t.Item2, t.Item3, t.Item4];
        }
    }

    public SyntheticOptions Options { get; }

    /// <summary>Atom pixels, planar 3 x a x a, in [0, 1].</summary>
    public float[][] Atoms { get; }

    /// <summary>[class][variant] = atom indices (top-left, top-right, bottom-left, bottom-right).</summary>
    public int[][][] ClassMotifs { get; }

    /// <summary>[index] = atom indices of a class-agnostic distractor motif.</summary>
    public int[][] Distractors { get; }

    /// <summary>The motif made of <paramref name="atoms"/> as planar 3 x M x M pixels in [0, 1].</summary>
    public float[] Render(int[] atoms)
    {
        var a = Options.AtomSize;
        var m = Options.MotifSize;
        var pixels = new float[3 * m * m];
        for (var q = 0; q < 4; q++)
        {
            var atom = Atoms[atoms[q]];
            int top = q / 2 * a, left = q % 2 * a;
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < a; y++)
                    for (var x = 0; x < a; x++)
                        pixels[c * m * m + (top + y) * m + left + x] = atom[c * a * a + y * a + x];
        }
        return pixels;
    }
}
