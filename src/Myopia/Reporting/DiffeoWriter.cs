using System.Globalization;
using System.Text;
using Myopia.Analysis.DiffeoStudy;
using Myopia.Classifiers;
using Myopia.Data;
using Myopia.IO;
using static TorchSharp.torch;

namespace Myopia.Reporting;

/// <summary>
/// Writes a diffeo-sensitivity result: <c>diffeo.csv</c> (D, G, R and their numerators and denominator per
/// network and node), <c>diffeo-draws.csv</c> (the same per draw), <c>diffeo.json</c> (everything, with the
/// probe indices), the depth profile <c>diffeo-depth.png</c> and the example grid <c>diffeo-examples.png</c>.
/// </summary>
public static class DiffeoWriter
{
    public static IReadOnlyList<string> Write(DiffeoResult result, Classifier classifier, string outDir, IReadOnlyList<string>? notes = null)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double v) => v.ToString("G6", inv);
        var csv = new StringBuilder("model,statistics,node,type,shape,relative_depth,D,G,R,num_D,num_G,den\n");
        var draws = new StringBuilder("model,node,draw,D,G,R,num_D,num_G,den\n");
        foreach (var v in result.Variants)
            foreach (var n in v.Nodes)
            {
                var s = n.Sensitivities;
                csv.Append(string.Join(',', v.Model, NormStatisticsNames.Name(v.Statistics), n.Path, n.Type, string.Join('x', n.Shape), F(n.RelativeDepth),
                    F(s.D), F(s.G), F(s.R), F(s.NumeratorD), F(s.NumeratorG), F(s.Denominator))).Append('\n');
                for (int d = 0; d < n.PerDraw.Count; d++)
                {
                    var p = n.PerDraw[d];
                    draws.Append(string.Join(',', v.Model, n.Path, d, F(p.D), F(p.G), F(p.R), F(p.NumeratorD), F(p.NumeratorG), F(p.Denominator))).Append('\n');
                }
            }
        AtomicFile.WriteAllText(Path.Combine(outDir, "diffeo.csv"), csv.ToString());
        AtomicFile.WriteAllText(Path.Combine(outDir, "diffeo-draws.csv"), draws.ToString());
        JsonOutput.WriteFile(Path.Combine(outDir, "diffeo.json"), new
        {
            model = classifier.Card.Source, architecture = classifier.Card.Architecture, compute = classifier.ComputeSummary,
            notes = notes ?? [], headline = result.Headline(), result,
        });
        var written = new List<string>();
        if (result.Variants.Any(v => v.Nodes.Count > 2))
        {
            var depth = Path.Combine(outDir, "diffeo-depth.png");
            string on = classifier.Card.Dataset is { } d ? $" on {d}" : "";
            DiffeoPlots.DepthProfile(result, $"{classifier.Label}{on}, {result.Probes} probes", depth);
            written.Add(depth);
        }
        return written;
    }

    /// <summary>
    /// The example grid: <paramref name="count"/> probes, each clean and then deformed and noisy at each of
    /// <paramref name="temperatures"/> (deformation on the normalised image, shown back in pixels).
    /// </summary>
    public static string WriteExamples(Classifier classifier, ImageDataset data, long[] probes, int cutoff, WarpInterpolation interpolation,
        IReadOnlyList<double> temperatures, long seed, string outDir, int count = 4)
    {
        using var scope = NewDisposeScope();
        double side = Math.Sqrt((double)data.Height * data.Width);
        var chosen = probes.Take(count).ToArray();
        using var index = tensor(chosen);
        var pixels = data.Gather(index);
        var x = classifier.Normalize(pixels).to(ScalarType.Float64).cpu();
        var norm = classifier.Preprocessing.Normalization;
        var mean = tensor(norm.Mean.Select(m => (double)m).ToArray(), ScalarType.Float64).view(1, -1, 1, 1);
        var std = tensor(norm.Std.Select(s => (double)s).ToArray(), ScalarType.Float64).view(1, -1, 1, 1);
        Tensor Pixels(Tensor normalized) => (normalized * std + mean) * 255;
        var columns = new List<string> { "image" };
        var cells = chosen.Select(_ => new List<Tensor>()).ToList();
        for (int i = 0; i < chosen.Length; i++) cells[i].Add(Pixels(x[i]));
        foreach (var t in temperatures)
        {
            var generator = new DiffeoGenerator(t, cutoff, interpolation);
            var reference = generator.Reference(x);
            var deformed = generator.Apply(x, 0, seed);
            var noisy = reference + MatchedNoise.Draw(reference, deformed, 0, seed);
            double delta = DiffeoTemperature.Displacement(t, side, cutoff);
            columns.Add($"τx δ={delta:0.##}");
            columns.Add("x+η");
            for (int i = 0; i < chosen.Length; i++)
            {
                cells[i].Add(Pixels(deformed[i]));
                cells[i].Add(Pixels(noisy[i]));
            }
        }
        var path = Path.Combine(outDir, "diffeo-examples.png");
        DiffeoPlots.Examples(cells.Select(r => (IReadOnlyList<Tensor>)r).ToList(), columns,
            $"Max-entropy diffeomorphisms (c = {cutoff}, {WarpInterpolations.Name(interpolation)}) and noise of the same norm", path);
        return path;
    }
}
