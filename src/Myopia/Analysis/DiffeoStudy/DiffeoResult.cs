namespace Myopia.Analysis.DiffeoStudy;

/// <summary>D, G and R of one node (the input, a layer, or the output) of one measured network.</summary>
/// <param name="Path">Module path as <c>model inspect</c> shows it; "input" and "output" for the two ends.</param>
/// <param name="RelativeDepth">Node index over the measured nodes mapped to [0, 1]: 0 the input, 1 the output.</param>
/// <param name="Sensitivities">Mean estimator ([P2]), combined over draws by arithmetic mean.</param>
/// <param name="PerDraw">The mean estimator of each draw.</param>
public sealed record DiffeoNode(string Path, string Type, long[] Shape, double RelativeDepth, Sensitivities Sensitivities, IReadOnlyList<Sensitivities> PerDraw);

/// <summary>One measured network: the one given ("trained"), its fresh-weights copy ("init") or its channel-shuffled copy ("shuffled").</summary>
/// <param name="Statistics">The batch-norm statistics it was measured with.</param>
/// <param name="Accuracy">Top-1 accuracy on the clean probes.</param>
/// <param name="Output">At the output: the mean estimator ([P2]).</param>
/// <param name="OutputMedian">At the output: the median estimator ([P1]), combined over draws by geometric mean.</param>
public sealed record DiffeoVariant(string Model, string Description, NormStatistics Statistics, double Accuracy, Sensitivities Output, Sensitivities OutputMedian,
    IReadOnlyList<DiffeoNode> Nodes);

/// <summary>What <see cref="DiffeoSensitivity"/> found, with everything needed to redo it.</summary>
public sealed record DiffeoResult(
    string Dataset, int Probes, long[] ProbeIndices, string Deformation, double? Temperature, double? Displacement, int Cutoff, string Interpolation,
    int Draws, long Seed, bool Float64, IReadOnlyList<DiffeoVariant> Variants) : IAnalysisResult
{
    public IReadOnlyDictionary<string, object> Headline()
    {
        var headline = new Dictionary<string, object>
        {
            ["probes"] = Probes, ["draws"] = Draws, ["deformation"] = Deformation, ["cutoff"] = Cutoff,
        };
        if (Temperature is { } t) headline["temperature"] = t;
        if (Displacement is { } d) headline["displacement"] = d;
        foreach (var v in Variants)
        {
            string prefix = ReferenceEquals(v, Variants[0]) ? "" : v.Model + "_";
            headline[prefix + "accuracy"] = v.Accuracy;
            headline[prefix + "D_f"] = v.Output.D;
            headline[prefix + "G_f"] = v.Output.G;
            headline[prefix + "R_f"] = v.Output.R;
            headline[prefix + "R_f_median"] = v.OutputMedian.R;
        }
        return headline;
    }
}
