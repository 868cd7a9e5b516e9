using System.CommandLine;
using System.Globalization;
using Myopia.Analysis.DiffeoStudy.ScaleDetection1d;
using Myopia.Cli.Terminal;
using Myopia.IO;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia scale-detection</c>: the 1-D scale-detection experiment of Tomasini et al. 2023 (D_k, G_k, R_k per block, init vs trained).</summary>
public static class ScaleDetectionCommand
{
    public static Command Create()
    {
        var defaults = new ScaleDetection1dOptions();
        var width = new Option<int>("--width") { Description = "channels H of every block (the authors: 1000)", DefaultValueFactory = _ => defaults.Width };
        var epochs = new Option<int>("--epochs") { Description = "epochs trained on after the first epoch with zero training hinge loss", DefaultValueFactory = _ => defaults.EpochsAfterZeroLoss };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "training stops here whatever the loss", DefaultValueFactory = _ => defaults.MaxEpochs };
        var seed = new Option<int>("--seed") { Description = "seed of the split, the initialisation, the batches and the perturbations", DefaultValueFactory = _ => defaults.Seed };
        var task = new Option<int>("--task") { Description = "2: both sites in the same block of xi (the paper's); 1: periodic distance below xi - gap vs at least xi + gap", DefaultValueFactory = _ => defaults.Task };
        var xi = new Option<int>("--xi") { Description = "scale xi", DefaultValueFactory = _ => defaults.Xi };
        var gap = new Option<int>("--gap") { Description = "task 1's gap", DefaultValueFactory = _ => defaults.Gap };
        var n = new Option<int>("--n") { Description = "signal length (a power of 2; blocks L = log2 n)", DefaultValueFactory = _ => defaults.Length };
        var train = new Option<int>("--train") { Description = "training signals P, half of each class", DefaultValueFactory = _ => defaults.TrainCount };
        var probes = new Option<int>("--probes") { Description = "test signals the sensitivities are measured on, half of each class", DefaultValueFactory = _ => defaults.Probes };
        var batch = new Option<int>("--batch") { Description = "SGD batch size", DefaultValueFactory = _ => defaults.Batch };
        var ridge = new Option<double>("--ridge") { Description = "penalty lambda of lambda * sum_l |W_l|^2 / (H L)", DefaultValueFactory = _ => defaults.Ridge };
        var threads = CommonOptions.Threads();
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var command = new Command("scale-detection", "The 1-D scale-detection task (Tomasini et al. 2023): train the authors' stride-2 CNN with the hinge loss and " +
                                                     "measure D_k, G_k, R_k of every block at initialisation and after training (scale1d.csv, .json, .png).")
        {
            width, epochs, maxEpochs, seed, task, xi, gap, n, train, probes, batch, ridge, threads, output, json,
        };
        command.SetAction(parse =>
        {
            var options = new ScaleDetection1dOptions(
                Length: parse.GetValue(n), Xi: parse.GetValue(xi), Task: parse.GetValue(task), Gap: parse.GetValue(gap), Width: parse.GetValue(width),
                TrainCount: parse.GetValue(train), Probes: parse.GetValue(probes), Batch: parse.GetValue(batch), Ridge: parse.GetValue(ridge),
                EpochsAfterZeroLoss: parse.GetValue(epochs), MaxEpochs: parse.GetValue(maxEpochs), Seed: parse.GetValue(seed)).Validate();
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "scale-detection");
            var data = new ScaleDetection1dData(options); // refuses impossible sizes before any work
            ScaleDetection1dExperiment.Probes(data);
            var result = ProgressDisplay.Analysis((progress, cancel) => new ScaleDetection1dExperiment(options).Run(progress, cancel));
            var files = ScaleDetectionWriter.Write(result, outDir);
            Console.Error.WriteLine($"results in {outDir} ({string.Join(", ", files.Select(Path.GetFileName))})");
            if (parse.GetValue(json)) { JsonOutput.Print(result.Headline()); return 0; }
            string F(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
            var t = result.Training;
            var table = new Table().Title($"task {options.Task}, n {options.Length}, xi {options.Xi}, H {options.Width}: {t.Epochs} epochs" +
                                          (t.ZeroLossEpoch is { } z ? $" (zero loss at {z})" : " (loss never 0)") +
                                          $", train error {t.TrainError:P1}, test error {t.TestError:P1}")
                .AddColumns("block", "positions", "D init", "G init", "R init", "D trained", "G trained", "R trained");
            foreach (var b in result.Blocks)
                table.AddRow(b.Block == 0 ? "input" : b.Block.ToString(CultureInfo.InvariantCulture), b.Positions.ToString(CultureInfo.InvariantCulture),
                    F(b.Init.D), F(b.Init.G), F(b.Init.R), F(b.Trained.D), F(b.Trained.G), F(b.Trained.R));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
