namespace Myopia.Analysis.DiffeoStudy;

/// <summary>
/// The graph Laplacian L = D − A of the 3 × 3 pixel grid (4-neighbour, free boundary) and its eigenbasis,
/// in which [P2] (spec §5c) reads a 3 × 3 filter as a sum of spatial frequencies: λ = 0 is the constant
/// filter (pure spatial pooling), λ = 6 the checkerboard. Pixels are numbered row-major, r·3 + c.
/// </summary>
/// <remarks>
/// The grid is the Cartesian product of two 3-node paths, whose Laplacian has eigenvalues 0, 1, 3 with
/// eigenvectors (1,1,1)/√3, (1,0,−1)/√2, (1,−2,1)/√6; so the grid's eigenvalues are the sums 0,1,1,2,3,3,4,4,6
/// and its eigenvectors the outer products. We use that separable basis rather than an eigensolver's: the
/// eigenvalues 1, 3 and 4 are doubly degenerate, where a solver returns an arbitrary rotation that can change
/// between libraries; the separable one is exact, the same everywhere, and each vector has a reading
/// (e.g. the two λ = 1 vectors are the horizontal and the vertical gradient). Energies summed per distinct
/// eigenvalue (<see cref="Distinct"/>) do not depend on the basis at all.
/// </remarks>
public static class GridLaplacian
{
    public const int Side = 3;
    public const int Size = Side * Side;

    private static readonly double[][] Path =
    [
        [1 / Math.Sqrt(3), 1 / Math.Sqrt(3), 1 / Math.Sqrt(3)],
        [1 / Math.Sqrt(2), 0, -1 / Math.Sqrt(2)],
        [1 / Math.Sqrt(6), -2 / Math.Sqrt(6), 1 / Math.Sqrt(6)],
    ];
    private static readonly int[] PathEigenvalues = [0, 1, 3];

    /// <summary>The 9 eigenvalues in ascending order: 0, 1, 1, 2, 3, 3, 4, 4, 6.</summary>
    public static IReadOnlyList<double> Eigenvalues { get; } = Build().Values;

    /// <summary>The 9 unit eigenvectors (row-major 3 × 3 filters), in the order of <see cref="Eigenvalues"/>.</summary>
    public static IReadOnlyList<double[]> Eigenvectors { get; } = Build().Vectors;

    /// <summary>Per eigenvector, a name: which path mode runs along the rows (y) and which along the columns (x).</summary>
    public static IReadOnlyList<string> Names { get; } = Build().Names;

    /// <summary>The distinct eigenvalues, 0, 1, 2, 3, 4, 6, and how many eigenvectors each has (1, 2, 1, 2, 2, 1).</summary>
    public static IReadOnlyList<(double Eigenvalue, int Multiplicity)> Distinct { get; } =
        Eigenvalues.GroupBy(v => v).Select(g => (g.Key, g.Count())).ToArray();

    /// <summary>L = D − A, 9 × 9, row-major by pixel r·3 + c.</summary>
    public static double[,] Matrix()
    {
        var l = new double[Size, Size];
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
            {
                int i = r * Side + c;
                foreach (var (dr, dc) in new[] { (-1, 0), (1, 0), (0, -1), (0, 1) })
                {
                    int rr = r + dr, cc = c + dc;
                    if (rr < 0 || rr >= Side || cc < 0 || cc >= Side) continue;
                    l[i, rr * Side + cc] = -1;
                    l[i, i] += 1;
                }
            }
        return l;
    }

    private static (double[] Values, double[][] Vectors, string[] Names) Build()
    {
        var modes = new List<(double Value, double[] Vector, string Name)>();
        for (int a = 0; a < Side; a++)       // mode along y (rows)
            for (int b = 0; b < Side; b++)   // mode along x (columns)
            {
                var v = new double[Size];
                for (int r = 0; r < Side; r++)
                    for (int c = 0; c < Side; c++) v[r * Side + c] = Path[a][r] * Path[b][c];
                modes.Add((PathEigenvalues[a] + PathEigenvalues[b], v, $"y{PathEigenvalues[a]}x{PathEigenvalues[b]}"));
            }
        // Stable sort: within a degenerate pair the x-varying mode (a smaller) comes after the y-varying one.
        var sorted = modes.OrderBy(m => m.Value).ToArray();
        return (sorted.Select(m => m.Value).ToArray(), sorted.Select(m => m.Vector).ToArray(), sorted.Select(m => m.Name).ToArray());
    }
}
