using Myopia.IO;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Myopia.Analysis.LinearDynamics;
using Myopia.Cli.Terminal;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia linear</c>: learning dynamics of two-layer linear CNNs against linear FCNNs.</summary>
public static class LinearCommand
{
    public static Command Create() => new("linear", "Stage-like learning and the dominant-frequency bias of linear CNNs vs linear fully connected networks.")
    {
        RunCommand(), SweepInitCommand(),
    };

    private sealed record Options(Option<string> Setup, Option<string?> Config, Option<string?> DataDir, Option<double> Lr, Option<double> Epsilon,
        Option<int> StepsCnn, Option<int> StepsFcnn, Option<int> Hidden, Option<int?> Kernel, Option<int> Seed, Option<string?> Out, Option<bool> Json, Option<int> Threads)
    {
        public static Options Create(int stepsCnn = 6000, double epsilon = 1e-6)
        {
            var setup = new Option<string>("--setup") { Description = "canonical (2-D, 4 classes, 7 parts), 1d-bias, 1d-order, mnist or config", DefaultValueFactory = _ => "canonical" };
            setup.AcceptOnlyFromAmong(LinearDynamicsOptions.Setups);
            return new(setup,
                new Option<string?>("--config") { Description = "a part hierarchy JSON (shape, classes, parts with cosine terms, scale) for --setup config" },
                CommonOptions.DataDir(),
                new Option<double>("--lr") { Description = "gradient descent step (tau = 1/lr)", DefaultValueFactory = _ => 0.02 }.Positive(),
                new Option<double>("--epsilon") { Description = "initialisation scale: weights ~ N(0, epsilon^2)", DefaultValueFactory = _ => epsilon }.Positive(),
                new Option<int>("--steps-cnn") { Description = "gradient steps of the linear CNN", DefaultValueFactory = _ => stepsCnn }.AtLeast(1),
                new Option<int>("--steps-fcnn") { Description = "gradient steps of the linear FCNN", DefaultValueFactory = _ => 40000 }.AtLeast(1),
                new Option<int>("--hidden") { Description = "hidden width of the FCNN", DefaultValueFactory = _ => 32 }.AtLeast(1),
                new Option<int?>("--kernel") { Description = "k x k kernel instead of a full-size one" }.AtLeast(1),
                CommonOptions.Seed(), CommonOptions.Out(), CommonOptions.Json(), CommonOptions.Threads());
        }

        public void AddTo(Command c)
        {
            foreach (Option o in new Option[] { Setup, Config, DataDir, Lr, Epsilon, StepsCnn, StepsFcnn, Hidden, Kernel, Seed, Out, Json, Threads }) c.Options.Add(o);
        }

        /// <summary>The options, checked, with the thread count applied.</summary>
        public LinearDynamicsOptions Read(ParseResult p)
        {
            var options = new LinearDynamicsOptions
            {
                Setup = p.GetValue(Setup)!, ConfigPath = p.GetValue(Config), MnistFolder = p.GetValue(DataDir), Lr = p.GetValue(Lr), Epsilon = p.GetValue(Epsilon),
                StepsCnn = p.GetValue(StepsCnn), StepsFcnn = p.GetValue(StepsFcnn), Hidden = p.GetValue(Hidden), Kernel = p.GetValue(Kernel), Seed = p.GetValue(Seed),
            };
            options.Validate();
            CommonOptions.ApplyThreads(p.GetValue(Threads));
            return options;
        }
    }

    private static Command RunCommand()
    {
        var o = Options.Create();
        var noFcnn = new Option<bool>("--no-fcnn") { Description = "train only the linear CNN" };
        var command = new Command("run", "Train a linear CNN and a linear FCNN on a dataset; compare mode learning with the closed-form predictions.");
        o.AddTo(command);
        command.Options.Add(noFcnn);
        command.SetAction(parse =>
        {
            var options = o.Read(parse) with { Fcnn = !parse.GetValue(noFcnn) };
            var outDir = OutputFolder.Resolve(parse.GetValue(o.Out), "linear");
            var result = ProgressDisplay.Run(sink =>
            {
                string current = "";
                var r = new LinearDynamicsExperiment(options).Run((label, t, n) =>
                {
                    if (label != current) { if (current != "") sink.Finish(); sink.Start(label, n); current = label; }
                    sink.Report(t);
                });
                sink.Finish();
                return r;
            });
            LinearDynamicsReport.Write(result, outDir);
            Console.Error.WriteLine($"figures and report in {outDir}");
            if (parse.GetValue(o.Json)) JsonOutput.Print(result.Summary);
            else Show(result.Summary);
            return 0;
        });
        return command;
    }

    private static Command SweepInitCommand()
    {
        var o = Options.Create(stepsCnn: 3000);
        o.Setup.DefaultValueFactory = _ => "1d-bias";
        var epsilons = new Option<string>("--epsilons") { Description = "comma-separated initialisation scales", DefaultValueFactory = _ => "1e-1,1e-2,1e-3,1e-4,1e-6,1e-8" };
        var command = new Command("sweep-init", "Secondary/dominant kernel amplitude ratio against the initialisation scale (log-log, fitted slope).");
        o.AddTo(command);
        command.Options.Add(epsilons);
        command.SetAction(parse =>
        {
            var list = parse.GetValue(epsilons)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => double.TryParse(s, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v : throw new MyopiaException($"--epsilons: '{s}' is not a positive number")).ToArray();
            if (list.Length == 0) throw new MyopiaException("--epsilons needs at least one initialisation scale");
            var options = o.Read(parse);
            var outDir = OutputFolder.Resolve(parse.GetValue(o.Out), "linear-init");
            var result = ProgressDisplay.Run(sink =>
            {
                sink.Start("init scales", list.Length);
                int done = 0;
                var r = new InitScalingSweep(options, list).Run(_ => sink.Report(done++));
                sink.Finish($"init scales: slope {r.Slope:F3}");
                return r;
            });
            LinearDynamicsReport.WriteInitScaling(result, outDir);
            Console.Error.WriteLine($"figures and report in {outDir}");
            if (parse.GetValue(o.Json)) JsonOutput.Print(result);
            else
            {
                var table = new Table().Title($"dominant-frequency bias vs init scale ({result.Dataset})").AddColumns("epsilon", "secondary / dominant");
                foreach (var p in result.Points) table.AddRow(p.Epsilon.ToString("G3", CultureInfo.InvariantCulture), p.SecondaryOverDominant.ToString("G3", CultureInfo.InvariantCulture));
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLineInterpolated($"log-log slope for epsilon <= {result.SlopeFitMaxEpsilon:G2}: {result.Slope:F3}");
            }
            return 0;
        });
        return command;
    }

    private static void Show(LinearDynamicsSummary s)
    {
        var table = new Table().Title($"Mode learning on {s.Dataset} (lr {s.Options.Lr}, epsilon {s.Options.Epsilon:G2})")
            .AddColumns("network", "mode", "s", "kappa", "half step (measured)", "half step (predicted)", "rate / (2s/tau) measured", "predicted");
        foreach (var net in new[] { s.Cnn, s.Fcnn }.OfType<NetworkSummary>())
        foreach (var m in net.Modes)
            table.AddRow(net.Network, m.Mode.ToString(), $"{m.S:F4}", $"{m.Kappa:F3}", $"{m.HalfStepMeasured}", m.HalfStepPredicted is { } h ? $"{h:F0}" : "-",
                m.RateRatioMeasured is { } r ? $"{r:F3}" : "-", $"{m.RateRatioPredicted:F3}");
        AnsiConsole.Write(table);
        foreach (var net in new[] { s.Cnn, s.Fcnn }.OfType<NetworkSummary>())
            AnsiConsole.MarkupLineInterpolated($"{net.Network}: loss plateaus {string.Join(" -> ", net.Plateaus.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)))}, final {net.FinalLoss:G3}; correct-class output with dominant frequencies removed {net.AblateDominant:F3}, secondary removed {net.AblateSecondary:F3} ({net.Seconds:F1} s)");
        if (s.KernelBias.Count > 0)
            AnsiConsole.MarkupLineInterpolated($"final kernel: secondary/dominant amplitude per part {string.Join(", ", s.KernelBias.Select(b => $"{b.Part} {b.SecondaryOverDominant:G2}"))}");
    }
}
