using System.CommandLine;
using System.Globalization;
using Myopia.Analysis.DiffeoStudy;
using Myopia.Classifiers;
using Myopia.Cli.Terminal;
using Myopia.Inspection;
using Myopia.IO;
using Myopia.Reporting;
using Spectre.Console;

namespace Myopia.Cli.Commands;

/// <summary><c>myopia diffeo</c>: stability to smooth deformations against noise, at the output and at every layer (Petrini et al.; Tomasini et al.).</summary>
public static class DiffeoCommand
{
    public static Command Create()
    {
        var data = CommonOptions.DataOrModels();
        var dataDir = CommonOptions.DataDir();
        var probes = new Option<int>("--probes") { Description = "P: probe images drawn at random (seeded) from the test split", DefaultValueFactory = _ => 500 }.AtLeast(2);
        var displacement = new Option<double>("--displacement") { Description = "typical displacement δ in pixels; T = 4δ²/(π n² ln c)", DefaultValueFactory = _ => 1.0 };
        var temperature = new Option<double?>("--temperature") { Description = "temperature T of the diffeomorphisms (overrides --displacement)" };
        var cutoff = new Option<int>("--cutoff") { Description = "highest sine mode c (the papers: 3)", DefaultValueFactory = _ => 3 }.AtLeast(2);
        var interpolation = new Option<string>("--interpolation") { Description = "bilinear (the papers'), nearest or gaussian (σ = 0.4715 px; the clean image is smoothed too)", DefaultValueFactory = _ => "bilinear" }
            .AcceptOnlyFromAmong(WarpInterpolations.Names);
        var deformation = new Option<string>("--deformation")
        {
            Description = "auto (local-translation on the twopoints task, else max-entropy), max-entropy (smooth diffeomorphisms of --displacement), " +
                          "or local-translation (each active pixel moved to a neighbour: the scale-detection tasks' diffeo)",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "max-entropy", "local-translation");
        var draws = new Option<int>("--draws") { Description = "independent (diffeomorphism, noise) draws per probe, combined", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "seed of the probe choice and of every draw", DefaultValueFactory = _ => 0 };
        var layers = new Option<string>("--layers")
        {
            Description = "layers measured: all (every leaf layer but dropout), output (the input and the output only), or a glob / /regex/ of module paths",
            DefaultValueFactory = _ => "all",
        };
        var statistics = new Option<string>("--norm-statistics") { Description = "batch-norm statistics: auto (running for trained networks, batch for fresh ones, as the papers), running or batch", DefaultValueFactory = _ => "auto" }
            .AcceptOnlyFromAmong(NormStatisticsNames.Names);
        var dtype = new Option<string>("--dtype") { Description = "float64 (the papers') or float32 (then --precision applies)", DefaultValueFactory = _ => "float64" }
            .AcceptOnlyFromAmong("float64", "float32");
        var batch = new Option<int>("--batch") { Description = "probes per forward pass (and per batch of batch statistics)", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var compareInit = new Option<bool>("--compare-init") { Description = "also measure the architecture with fresh weights (--init-seed), with batch statistics" };
        var initSeed = new Option<int>("--init-seed") { Description = "seed of the fresh weights of --compare-init", DefaultValueFactory = _ => 0 };
        var compareShuffle = new Option<bool>("--compare-shuffle") { Description = "also measure the network with the input channels of every convolution permuted (channel shuffle: spatial pooling kept, channel pooling destroyed)" };
        var shuffleSeed = new Option<int>("--shuffle-seed") { Description = "seed of the channel permutations", DefaultValueFactory = _ => 0 };
        var spectra = new Option<bool>("--spectra") { Description = "also write the spectra of the 3x3 filters on the grid Laplacian per layer (diffeo-spectra.png, spectra.csv), beside fresh weights (--init-seed)" };
        var examples = new Option<int>("--examples") { Description = "probes shown in diffeo-examples.png (clean, deformed and noisy at T_min, the chosen T and T_max); 0: none", DefaultValueFactory = _ => 4 }.AtLeast(0);
        var testLimit = CommonOptions.TestLimit();
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var command = new Command("diffeo", "Relative stability to smooth deformations: D (max-entropy diffeomorphisms), G (noise of the same norm) and R = D/G " +
                                            "at the input, every layer and the output, optionally beside the network at initialisation and its channel-shuffled copy.")
        {
            data, dataDir, probes, deformation, displacement, temperature, cutoff, interpolation, draws, seed, layers, statistics, dtype, batch,
            compareInit, initSeed, compareShuffle, shuffleSeed, spectra, examples, testLimit, output, json, threads,
        };
        var model = new ModelSpecOptions().AddTo(command);
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var layerChoice = parse.GetValue(layers)!;
            var options = new DiffeoOptions(
                Probes: parse.GetValue(probes), Displacement: parse.GetValue(displacement), Temperature: parse.GetValue(temperature),
                Cutoff: parse.GetValue(cutoff), Interpolation: WarpInterpolations.Parse(parse.GetValue(interpolation)!), Draws: parse.GetValue(draws),
                Seed: parse.GetValue(seed), LayerWise: layerChoice != "output",
                Layers: layerChoice is "all" or "output" ? null : LayerSelection.Matching(layerChoice),
                Statistics: NormStatisticsNames.Parse(parse.GetValue(statistics)!), Float64: parse.GetValue(dtype) == "float64", Batch: parse.GetValue(batch),
                CompareInit: parse.GetValue(compareInit), InitSeed: parse.GetValue(initSeed), CompareShuffle: parse.GetValue(compareShuffle), ShuffleSeed: parse.GetValue(shuffleSeed));
            options.Validate();
            var (dataset, dir) = model.Dataset(parse, data, dataDir);
            bool twoPoints = dataset.Split(':')[0].Equals(Myopia.Data.DatasetCatalog.TwoPoints, StringComparison.OrdinalIgnoreCase);
            if (parse.GetValue(deformation) == "local-translation" || (parse.GetValue(deformation) == "auto" && twoPoints))
                options = options with { Deformation = new LocalTranslation() };
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "diffeo");
            using var splits = DataLoading.Load(dataset, dir, trainLimit: 1, testLimit: parse.GetValue(testLimit));
            DataLoading.RecordSkipped(splits, outDir);
            using var classifier = model.Load(parse, DataDefaults.Of(splits));
            var result = ProgressDisplay.Analysis((progress, cancel) => new DiffeoSensitivity(classifier, options).Run(splits.Test, progress, cancel));
            var figures = DiffeoWriter.Write(result, classifier, outDir).ToList();
            if (parse.GetValue(examples) > 0 && result.Temperature is { } t)
            {
                double side = Math.Sqrt((double)splits.Test.Height * splits.Test.Width);
                var temperatures = new[] { DiffeoTemperature.Min(side, options.Cutoff), t, DiffeoTemperature.Max(options.Cutoff) }.Distinct().Order().ToList();
                figures.Add(DiffeoWriter.WriteExamples(classifier, splits.Test, result.ProbeIndices, options.Cutoff, options.Interpolation, temperatures,
                    options.Seed, outDir, parse.GetValue(examples)));
            }
            if (parse.GetValue(spectra) && WriteSpectra(classifier, parse.GetValue(initSeed), outDir) is { } spectraFigure)
                figures.Add(spectraFigure);
            Console.Error.WriteLine($"results in {outDir} ({figures.Count} figures)");
            if (parse.GetValue(json)) { JsonOutput.Print(result.Headline()); return 0; }
            string G(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
            var summary = new Table().Title($"{classifier.Label}: {result.Deformation}{(result.Displacement is { } delta ? $", δ = {delta:0.###} px" : "")}, {result.Probes} probes x {result.Draws} draws")
                .AddColumns("model", "statistics", "accuracy", "D_f", "G_f", "R_f", "R_f (median est.)");
            foreach (var v in result.Variants)
                summary.AddRow(v.Model, NormStatisticsNames.Name(v.Statistics), v.Accuracy.ToString("P1", CultureInfo.InvariantCulture),
                    G(v.Output.D), G(v.Output.G), G(v.Output.R), G(v.OutputMedian.R));
            AnsiConsole.Write(summary);
            if (result.Variants[0].Nodes.Count > 2)
            {
                var depth = new Table().Title("R_k by layer (mean estimator)").AddColumns(["node", "depth", .. result.Variants.Select(v => $"R ({v.Model})")]);
                var first = result.Variants[0].Nodes;
                for (int k = 0; k < first.Count; k++)
                    depth.AddRow([Markup.Escape($"{first[k].Path} {first[k].Type}"), first[k].RelativeDepth.ToString("0.00", CultureInfo.InvariantCulture),
                        .. result.Variants.Select(v => k < v.Nodes.Count ? G(v.Nodes[k].Sensitivities.R) : "")]);
                AnsiConsole.Write(depth);
            }
            return 0;
        });
        command.Subcommands.Add(ScatterCommand());
        return command;
    }

    /// <summary><c>myopia diffeo scatter DIR...</c>: [P1]'s test error against R_f over the networks of several diffeo results.</summary>
    private static Command ScatterCommand()
    {
        var results = new Argument<string[]>("results") { Description = "folders (or diffeo.json files) written by 'myopia diffeo', one per network", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Out();
        var json = CommonOptions.Json();
        var command = new Command("scatter", "Test error against R_f over networks (Petrini et al.'s headline, error ≈ 0.2·√R_f): the points, the least-squares " +
                                             "slope of log error on log R_f, the median of error/√R_f; error = 1 − accuracy on each result's probes.")
        {
            results, output, json,
        };
        command.SetAction(parse =>
        {
            var points = new List<ErrorPoint>();
            foreach (var given in parse.GetValue(results)!)
            {
                var file = Directory.Exists(given) ? Path.Combine(given, "diffeo.json") : given;
                if (!File.Exists(file)) throw new MyopiaException($"{given} holds no diffeo.json: give folders written by 'myopia diffeo'");
                System.Text.Json.JsonElement root;
                try { root = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone(); }
                catch (System.Text.Json.JsonException e) { throw new MyopiaException($"{file} is not valid JSON ({e.Message})"); }
                if (!root.TryGetProperty("headline", out var headline) || !headline.TryGetProperty("R_f", out var r) || !headline.TryGetProperty("accuracy", out var accuracy))
                    throw new MyopiaException($"{file} is not a diffeo result (no headline R_f and accuracy)");
                double? rInit = headline.TryGetProperty("init_R_f", out var r0) ? r0.GetDouble() : null;
                string name = root.TryGetProperty("architecture", out var a) && a.GetString() is { Length: > 0 } arch ? arch : Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))!;
                points.Add(new ErrorPoint(name, 1 - accuracy.GetDouble(), r.GetDouble(), rInit, headline.GetProperty("D_f").GetDouble(), headline.GetProperty("G_f").GetDouble()));
            }
            // Two results of one architecture (two recipes, two seeds) are told apart by their folders.
            var folders = parse.GetValue(results)!.Select(g => Path.GetFileName(Path.GetFullPath(Directory.Exists(g) ? g : Path.GetDirectoryName(g)!).TrimEnd('/'))).ToList();
            points = points.Select((p, i) => points.Count(q => q.Name == p.Name) > 1 ? p with { Name = $"{p.Name} ({folders[i]})" } : p).ToList();
            var fit = ErrorScaling.Fit(points);
            var outDir = OutputFolder.Resolve(parse.GetValue(output), "diffeo-scatter");
            var csv = new System.Text.StringBuilder("network,error,R_f,R_f_init,D_f,G_f,error_over_sqrt_R_f\n");
            foreach (var p in points)
                csv.Append(string.Join(',', p.Name, G6(p.Error), G6(p.RTrained), p.RInit is { } ri ? G6(ri) : "", G6(p.DTrained), G6(p.GTrained), G6(p.Error / Math.Sqrt(p.RTrained)))).Append('\n');
            AtomicFile.WriteAllText(Path.Combine(outDir, "scatter.csv"), csv.ToString());
            var headlineOut = new Dictionary<string, object>
            {
                ["networks"] = points.Count, ["slope"] = fit.Slope, ["slope_standard_error"] = fit.SlopeStandardError, ["intercept"] = fit.Intercept,
                ["median_error_over_sqrt_R_f"] = fit.MedianPrefactor,
            };
            JsonOutput.WriteFile(Path.Combine(outDir, "scatter.json"), new { headline = headlineOut, fit });
            if (points.Count(p => p.Error > 0 && p.RTrained > 0) > 0) DiffeoPlots.ErrorScatter(fit, Path.Combine(outDir, "diffeo-scatter.png"));
            Console.Error.WriteLine($"results in {outDir}");
            if (parse.GetValue(json)) { JsonOutput.Print(headlineOut); return 0; }
            var table = new Table().Title($"error vs R_f: slope {fit.Slope:0.00} ± {fit.SlopeStandardError:0.00} (paper: 0.5), median error/√R_f {fit.MedianPrefactor:0.00} (paper: 0.2)")
                .AddColumns("network", "error", "R_f", "R_f at init", "error/√R_f");
            foreach (var p in points.OrderBy(p => p.RTrained))
                table.AddRow(p.Name, p.Error.ToString("P1", CultureInfo.InvariantCulture), G6(p.RTrained), p.RInit is { } ri ? G6(ri) : "", (p.Error / Math.Sqrt(p.RTrained)).ToString("0.00", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Filter spectra of the network and of its fresh-weights copy: spectra.csv (energy fractions per eigenvalue and layer) and the figure.</summary>
    private static string? WriteSpectra(Classifier classifier, long initSeed, string outDir)
    {
        var trained = FilterSpectra.Measure(classifier.Module, normalise: true);
        if (trained.Count == 0)
        {
            Console.Error.WriteLine($"note: {classifier.Label} has no 3x3 convolutions: no filter spectra (--spectra)");
            return null;
        }
        IReadOnlyList<LayerSpectrum>? init = null;
        if (classifier.Card.Format != ModelFormat.Registry)
        {
            using var fresh = ClassifierSurgery.FreshWeights(classifier, initSeed);
            init = FilterSpectra.Measure(fresh.Module, normalise: true);
        }
        var csv = new System.Text.StringBuilder("model,layer," + string.Join(',', GridLaplacian.Distinct.Select(d => $"lambda_{d.Eigenvalue:0}")) + "\n");
        foreach (var (name, list) in new[] { (classifier.Card.Format == ModelFormat.Registry ? "untrained" : "trained", trained), ("init", init) })
            if (list is not null)
                foreach (var layer in list)
                    csv.Append(name).Append(',').Append(layer.Path).Append(',').Append(string.Join(',', layer.EnergyPerEigenvalue.Select(G6))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, "spectra.csv"), csv.ToString());
        var path = Path.Combine(outDir, "diffeo-spectra.png");
        DiffeoTheoryPlots.FilterSpectra(trained, $"{classifier.Label}: 3x3 filters on the grid Laplacian", path, init);
        return path;
    }

    private static string G6(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
