using Myopia.IO;
using System.CommandLine;
using Myopia.Analysis.TileStudy;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia theory patch</c>: the tile study's err(t) model for a dataset.</summary>
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
        return new Command("theory", "Theoretical models of the studies.") { patch };
    }
}
