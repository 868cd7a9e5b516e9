using Myopia.IO;
using System.CommandLine;
using Myopia.Analysis.DiffeoStudy;
using Myopia.Analysis.TileStudy;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia theory patch</c>: the tile study's err(t) model for a dataset. <c>myopia theory pooling</c>: the
/// diffeo lab's idealised pooling networks (spec §7), D_k, G_k, R_k per layer against the predicted laws.
/// </summary>
public static class TheoryCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--data", "--dataset") { Description = $"dataset whose err(t) preset to use: {string.Join(", ", PatchErrorPresets.All.Select(p => p.Name))}", DefaultValueFactory = _ => "cifar10" };
        var h = new Option<double?>("--h") { Description = "image side (overrides the preset)" };
        var n = new Option<double?>("--n") { Description = "training images" };
        var k = new Option<double?>("--k") { Description = "classes" };
        var s = new Option<double?>("--s") { Description = "effective stride" };
        var alpha = new Option<double?>("--alpha") { Description = "patch dimension divisor (3t^2/alpha)" };
        var step = new Option<double>("--step") { Description = "grid step of t", DefaultValueFactory = _ => 0.1 };
        foreach (var o in new[] { h, n, k, s, alpha }) o.Positive();
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var patch = new Command("patch", "The patch error model err(t): predicted test error against tile side t, and its minimum.")
        {
            dataset, h, n, k, s, alpha, step, output, json,
        };
        patch.SetAction(parse =>
        {
            var name = parse.GetValue(dataset)!;
            var preset = PatchErrorPresets.TryGet(name);
            if (preset is null && new[] { parse.GetValue(h), parse.GetValue(n), parse.GetValue(k), parse.GetValue(s) }.Any(v => v is null))
                throw new MyopiaException($"no preset '{name}': give --h, --n, --k and --s, or one of {string.Join(", ", PatchErrorPresets.All.Select(p => p.Name))}");
            var p = new PatchErrorParameters(name,
                parse.GetValue(h) ?? preset!.H, parse.GetValue(n) ?? preset!.N, parse.GetValue(k) ?? preset!.K,
                parse.GetValue(s) ?? preset!.S, parse.GetValue(alpha) ?? preset?.Alpha ?? 3);
            double stepValue = parse.GetValue(step);
            if (!(stepValue > 0) || stepValue > p.H) throw new MyopiaException($"--step must be in (0, h], got {stepValue}");
            var curve = PatchErrorModel.Curve(p, stepValue);
            {
                var outDir = OutputFolder.Resolve(parse.GetValue(output), "theory");
                TileStudyPlots.PatchErrorCurve(curve, Path.Combine(outDir, $"err-{name}.png"));
                var csv = new System.Text.StringBuilder("t,err\n");
                for (int i = 0; i < curve.T.Length; i++) csv.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{curve.T[i]:G6},{curve.Err[i]:G6}\n"));
                AtomicFile.WriteAllText(Path.Combine(outDir, $"err-{name}.csv"), csv.ToString());
                Console.Error.WriteLine($"figure and table in {outDir}");
            }
            if (parse.GetValue(json))
            {
                JsonOutput.Print(new { dataset = name, h = p.H, n = p.N, k = p.K, s = p.S, alpha = p.Alpha, t_min = curve.TMin, err_min = curve.ErrMin, t = curve.T, err = curve.Err });
                return 0;
            }
            var table = new Table().Title($"err(t), {name}: h={p.H}, N={p.N:N0}, k={p.K}, s={p.S}, alpha={p.Alpha}").AddColumns("t", "err(t)");
            foreach (var t in new[] { 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 196, 256, 400, 512 }.Where(t => t <= p.H).Select(t => (double)t).Append(curve.TMin).Order())
                table.AddRow(t == curve.TMin ? $"[bold]{t:F1} (min)[/]" : $"{t:F1}", $"{PatchErrorModel.Error(p, t):F4}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"minimum err = {curve.ErrMin:F4} at t = {curve.TMin:F1}");
            return 0;
        });
        return new Command("theory", "Theoretical models of the studies.") { patch, Pooling() };
    }

    private static Command Pooling()
    {
        var filter1 = new Option<int>("--stride-1-filter") { Description = "filter size F of the stride-1 network", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var layers1 = new Option<int>("--stride-1-layers") { Description = "layers of the stride-1 network", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var inputs1 = new Option<int>("--stride-1-inputs") { Description = "one-hot inputs (and their length n) of the stride-1 network", DefaultValueFactory = _ => 240 }.AtLeast(2);
        var stride = new Option<int>("--stride") { Description = "stride s = filter size F of the block-pooling network", DefaultValueFactory = _ => 2 }
            .AtLeast(2, " (stride 1 is the other network: --stride-1-*)");
        var layers = new Option<int>("--stride-layers") { Description = "layers of the block-pooling network", DefaultValueFactory = _ => 7 }.AtLeast(1);
        var inputs = new Option<int>("--stride-inputs") { Description = "one-hot inputs (and their length n) of the block-pooling network", DefaultValueFactory = _ => 257 }.AtLeast(2);
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var command = new Command("pooling", "Idealised pooling networks (constant filters, ReLU): D_k, G_k, R_k per layer for stride 1 and stride s = F, against the predicted scalings.")
        {
            filter1, layers1, inputs1, stride, layers, inputs, seed, output, json,
        };
        command.SetAction(parse =>
        {
            int s = parse.GetValue(stride), seedValue = parse.GetValue(seed);
            var one = new IdealPoolingOptions(parse.GetValue(filter1), 1, parse.GetValue(layers1), parse.GetValue(inputs1), seedValue);
            var blocks = new IdealPoolingOptions(s, s, parse.GetValue(layers), parse.GetValue(inputs), seedValue);
            if (one.Problem() is { } p1) throw new MyopiaException($"stride-1 network (--stride-1-filter {one.Filter} --stride-1-layers {one.Layers} --stride-1-inputs {one.Inputs}): {p1}");
            if (blocks.Problem() is { } p2) throw new MyopiaException($"stride-{s} network (--stride {s} --stride-layers {blocks.Layers} --stride-inputs {blocks.Inputs}): {p2}");
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "theory");
            var results = new[] { IdealPoolingNetwork.Run(one), IdealPoolingNetwork.Run(blocks) };
            var headline = new Dictionary<string, object>();
            foreach (var r in results)
                foreach (var (key, value) in r.Headline()) headline[$"stride_{r.Options.Stride}_{key}"] = value;
            WritePooling(results, headline, outDir);
            if (parse.GetValue(json))
            {
                JsonOutput.Print(headline);
                return 0;
            }
            foreach (var r in results)
            {
                var o = r.Options;
                var table = new Table().Title($"F = {o.Filter}, stride {o.Stride}, n = {o.Inputs}, seed {o.Seed}").AddColumns("k", "width", "D_k", "G_k", "R_k");
                foreach (var l in r.Layers.Where(l => !r.Diffusing || l.K == o.Layers || (l.K & (l.K - 1)) == 0))
                    table.AddRow($"{l.K}", $"{l.Width}", $"{l.Sensitivities.D:G4}", $"{l.Sensitivities.G:G4}", $"{l.Sensitivities.R:G4}");
                AnsiConsole.Write(table);
                var h = r.Headline();
                var scaling = PoolingScaling.For(o);
                AnsiConsole.MarkupLineInterpolated($"exponents ({h["fit"]}): D {h["d_exponent"]:F2} (predicted {scaling.D:+0.##;-0.##}), G {h["g_exponent"]:F2} ({scaling.G:+0.##;-0.##}), R {h["r_exponent"]:F2} ({scaling.R:+0.##;-0.##})");
            }
            return 0;
        });
        return command;
    }

    private static void WritePooling(IReadOnlyList<IdealPoolingResult> results, IReadOnlyDictionary<string, object> headline, string outDir)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var csv = new System.Text.StringBuilder("filter,stride,inputs,seed,k,width,D,G,R,num_D,num_G,den,D_predicted,G_predicted,R_predicted\n");
        foreach (var r in results)
        {
            var anchor = r.Diffusing ? r.FitRange().From : Math.Min(2, r.Options.Layers);
            var (d, g, rr) = PoolingScaling.For(r.Options).Lines(r, anchor);
            foreach (var l in r.Layers)
            {
                var s = l.Sensitivities;
                csv.Append(string.Join(',', new object[] { r.Options.Filter, r.Options.Stride, r.Options.Inputs, r.Options.Seed, l.K, l.Width }.Select(v => Convert.ToString(v, inv))))
                    .Append(',').Append(string.Join(',', new[] { s.D, s.G, s.R, s.NumeratorD, s.NumeratorG, s.Denominator, d[l.K - 1], g[l.K - 1], rr[l.K - 1] }.Select(v => v.ToString("G8", inv))))
                    .Append('\n');
            }
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, "pooling.csv"), csv.ToString());
        JsonOutput.WriteFile(Path.Combine(outDir, "pooling.json"), new
        {
            headline,
            networks = results.Select(r => new
            {
                options = r.Options,
                padding = r.Options.Padding,
                predicted_exponents = new { d = PoolingScaling.For(r.Options).D, g = PoolingScaling.For(r.Options).G, r = PoolingScaling.For(r.Options).R },
                layers = r.Layers.Select(l => new { k = l.K, width = l.Width, d = l.Sensitivities.D, g = l.Sensitivities.G, r = l.Sensitivities.R, num_d = l.Sensitivities.NumeratorD, num_g = l.Sensitivities.NumeratorG, den = l.Sensitivities.Denominator }),
            }),
        });
        foreach (var r in results)
            DiffeoTheoryPlots.Pooling(r, Path.Combine(outDir, $"pooling-stride-{r.Options.Stride}.png"));
        Console.Error.WriteLine($"figures and tables in {outDir}");
    }
}
