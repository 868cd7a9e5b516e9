using System.Globalization;
using System.Text.Json.Serialization;

namespace Myopia.Analysis.ShiftStudy;

/// <summary>
/// The figures of one condition on one model (fractions in [0, 1]; NaN where the condition does not
/// define them: a grid has only its worst case).
/// </summary>
/// <param name="Model">"baseline" or "antialias-m".</param>
/// <param name="Antialias">0 for the model as given, else the BlurPool filter size of the surgery copy.</param>
/// <param name="Pairs">Image pairs compared (8 per image in Azulay's protocols).</param>
/// <param name="Consistency">Pairs conditions: the share of pairs with the same top-1 class (Zhang).</param>
/// <param name="WorstCase">Share of images whose top-1 class changes for at least one of their <paramref name="ViewsPerImage"/> views.</param>
/// <param name="Jaggedness">Sequences: mean number of steps at which the true class enters or leaves the top 5.</param>
/// <param name="Offsets">Sequences: the offset t of each view.</param>
/// <param name="PTrue">Sequences: mean p_true at each view.</param>
/// <param name="Correct">Sequences: accuracy at each view.</param>
/// <param name="Rows">Sequences: p_true of each image at each view (Azulay's heat map rows).</param>
/// <param name="RowImages">Sequences: the image index of each row.</param>
public sealed record ShiftMeasurement(string Model, int Antialias, string Condition, string Kind, double Scale, int? EmbedSide, string Boundary, string Background,
    string Parameters, long Images, long Pairs, double PChange, double Mac, double Accuracy, double? Consistency, double WorstCase, int ViewsPerImage,
    double? Jaggedness, double[] Offsets, double[] PTrue, double[] Correct,
    [property: JsonIgnore] IReadOnlyList<float[]> Rows, [property: JsonIgnore] IReadOnlyList<long> RowImages);

/// <summary>The result of <see cref="ShiftSensitivity"/>: every condition of the protocol on the model and its antialiased copy.</summary>
public sealed record ShiftResult(string Protocol, string Description, int Images, IReadOnlyList<ShiftMeasurement> Measurements) : IAnalysisResult
{
    public IReadOnlyDictionary<string, object> Headline()
    {
        var headline = new Dictionary<string, object> { ["protocol"] = Protocol, ["images"] = Images };
        foreach (var m in Measurements)
        {
            string prefix = (m.Antialias == 0 ? "" : $"aa{m.Antialias}_") + Key(m);
            if (m.Kind != "grid")
            {
                headline[prefix + "p_change"] = m.PChange;
                headline[prefix + "mac"] = m.Mac;
                headline[prefix + "accuracy"] = m.Accuracy;
            }
            if (m.Consistency is { } c) headline[prefix + "consistency"] = c;
            // A pairs condition's own views are only its random pairs: the worst case is the grid's.
            if (m.Kind != "pairs") headline[prefix + "worst_case"] = m.WorstCase;
        }
        return headline;
    }

    /// <summary>A short key for a condition: "crop_s1.0_", "black_d24_", "diagonal_", "pairs_", "grid_".</summary>
    public static string Key(ShiftMeasurement m) => m.Kind switch
    {
        "pairs" => "",
        "grid" => "",
        _ when m.Condition.StartsWith("rescale") => string.Create(CultureInfo.InvariantCulture, $"rescale_d{m.EmbedSide}_"),
        _ when m.EmbedSide is { } d => string.Create(CultureInfo.InvariantCulture, $"{m.Background}_d{d}_"),
        _ when m.Condition.StartsWith("diagonal") => "diagonal_",
        _ => string.Create(CultureInfo.InvariantCulture, $"crop_s{m.Scale:0.0}_"),
    };
}
