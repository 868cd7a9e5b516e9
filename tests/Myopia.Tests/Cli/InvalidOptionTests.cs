using Myopia.Tests.Infrastructure;

namespace Myopia.Tests.Cli;

/// <summary>
/// Every command, every kind of bad option value: one <c>error:</c> line naming the problem, exit
/// code 2, no stack trace, and no hang (each row fails before any training or long computation).
/// Table-driven: a row is the arguments and a fragment the error line must contain.
/// </summary>
public abstract class InvalidOptionTable
{
    /// <summary>Files the rows point at: an existing file (not a folder), text that is not JSON, JSON of the wrong shape.</summary>
    protected static class Fixtures
    {
        public static readonly string Folder = Directory.CreateTempSubdirectory("myopia-invalid-options-").FullName;
        public static readonly string ExistingFile = Write("existing.txt", "not a folder");
        public static readonly string NotJson = Write("not-json.json", "epochs: 3\n");
        public static readonly string TrainWrongTypes = Write("train-wrong-types.json", """{ "epochs": "ten", "lr": 0.1 }""");
        public static readonly string TrainTooSmallTile = Write("train-small-tile.json", """{ "model": "resnet9", "tile": 4 }""");
        public static readonly string SweepWrongTypes = Write("sweep-wrong-types.json", """{ "models": 3, "tiles": [8] }""");
        public static readonly string SweepNullModels = Write("sweep-null-models.json", """{ "models": null }""");
        public static readonly string NewFolder = Path.Combine(Folder, "out-never-made");

        private static string Write(string name, string text)
        {
            var path = Path.Combine(Folder, name);
            File.WriteAllText(path, text);
            return path;
        }
    }

    protected static void AssertOneLineError(string[] args, string expectedFragment)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var o = CliProcess.Run(args);
        string run = $"myopia {string.Join(' ', args)}\nexit {o.ExitCode}\nstderr:\n{o.Stderr}";
        Assert.True(o.ExitCode == 2, run);
        Assert.DoesNotContain("   at ", o.Stderr);
        Assert.DoesNotContain("Exception", o.Stderr);
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Count(l => l.StartsWith("error: ")) == 1, run);
        Assert.StartsWith("error: ", lines[^1]);
        Assert.True(lines[^1].Contains(expectedFragment, StringComparison.OrdinalIgnoreCase), $"expected '{expectedFragment}' in the error line\n{run}");
        // Refused up front: no row trains or computes for long.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed.TotalSeconds:F0} s\n{run}");
    }

    protected static TheoryData<string[], string> Rows(params (string Args, string Fragment)[] rows)
    {
        var data = new TheoryData<string[], string>();
        foreach (var (args, fragment) in rows)
            data.Add(args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a
                .Replace("{file}", Fixtures.ExistingFile).Replace("{notjson}", Fixtures.NotJson)
                .Replace("{trainwrong}", Fixtures.TrainWrongTypes).Replace("{trainsmall}", Fixtures.TrainTooSmallTile)
                .Replace("{sweepwrong}", Fixtures.SweepWrongTypes).Replace("{sweepnull}", Fixtures.SweepNullModels)
                .Replace("{new}", Fixtures.NewFolder)).ToArray(), fragment);
        return data;
    }
}

/// <summary>train, sweep and demo: the options of a training run.</summary>
public class TrainingInvalidOptionTests : InvalidOptionTable
{
    public static TheoryData<string[], string> Cases => Rows(
        ("train --tile 4 --model resnet9 --out {new}", "smallest input (tile) it accepts is 8x8"),
        ("train --tile 3 --out {new}", "smallest input (tile) it accepts is 4x4"),
        ("train --tile 1 --model resnet9 --out {new}", "accepts is 8x8"),
        ("train --tile 0", "--tile must be at least 1"),
        ("train --model resnet9 --data synthetic:image_size=6 --out {new}", "image side of synthetic:image_size=6, 6 is too small for resnet9"),
        ("train --model resnet18 --stem imagenet --antialias 3 --tile 2 --out {new}", "accepts is 3x3"),
        ("train --tile 64 --out {new}", "larger than the 32x32"),
        ("train --tile 8 --pad 2 --out {new}", "either --tile"),
        ("train --milestones 99999999999", "--milestones"),
        ("train --milestones ten,twenty", "--milestones"),
        ("train --milestones 20,10 --out {new}", "--milestones must increase"),
        ("train --milestones 0,10 --out {new}", "--milestones must be epochs >= 1"),
        ("train --momentum nan --out {new}", "--momentum"),
        ("train --momentum=-0.5 --out {new}", "--momentum"),
        ("train --momentum 1 --out {new}", "--momentum"),
        ("train --lr 0 --out {new}", "--lr"),
        ("train --lr nan --out {new}", "--lr"),
        ("train --lr=-Infinity --out {new}", "--lr"),
        ("train --lr Infinity --out {new}", "--lr"),
        ("train --weight-decay=-1 --out {new}", "--weight-decay"),
        ("train --weight-decay nan --out {new}", "--weight-decay"),
        ("train --gamma 0 --out {new}", "--gamma"),
        ("train --gamma nan --out {new}", "--gamma"),
        ("train --gamma 2 --out {new}", "--gamma"),
        ("train --threads 100000", "--threads"),
        ("train --threads=-1", "--threads"),
        ("train --test-limit=-5", "--test-limit must be at least 1"),
        ("train --train-limit 0", "--train-limit must be at least 1"),
        ("train --batch 0", "--batch must be at least 1"),
        ("train --epochs 0", "--epochs must be at least 1"),
        ("train --epochs 1e3", "1e3"),
        ("train --test-limit abc", "abc"),
        ("train --lr fast", "fast"),
        ("train --pad=-1 --out {new}", "--pad"),
        ("train --antialias 9", "--antialias"),
        ("train --stem bogus", "'bogus' not recognized. Must be one of: 'study' 'cifar' 'imagenet'"),
        ("train --stem imagenet --model smallcnn --out {new}", "smallcnn has no stem choice"),
        ("train --optimizer sgdd", "sgdd"),
        ("train --schedule cosin", "cosin"),
        ("train --pad-mode mirror", "mirror"),
        ("train --device tpu --out {new}", "tpu"),
        ("train --data nosuch --out {new}", "unknown dataset 'nosuch'"),
        ("train --data synthetic:badkey=1 --out {new}", "badkey"),
        ("train --data synthetic:image_size=abc --out {new}", "image_size"),
        ("train --data cifar10:train_count=5 --out {new}", "unknown dataset option 'train_count' of cifar10"),
        ("train --data imagefolder:crop=0 --out {new}", "crop=0 of imagefolder: expected a size in pixels"),
        ("train --data imagefolder:crop=24 --tile 32 --out {new}", "tile"),
        ("train --model resnet999 --out {new}", "unknown model 'resnet999'"),
        ("train --config {notjson}", "is not a training config"),
        ("train --config {trainwrong}", "is not a training config"),
        ("train --config {trainsmall}", "accepts is 8x8"),
        ("train --config /nonexistent/config.json", "not found"),
        ("train --out {file}", "existing file"),
        ("sweep --out {new} --models smallcnn,resnet999", "unknown model 'resnet999'"),
        ("sweep --out {new} --models resnet9 --tiles 4,8", "accepts is 8x8"),
        ("sweep --out {new} --tiles 8,64", "larger than the 32x32"),
        ("sweep --out {new} --tiles abc", "'abc' is not a tile size"),
        ("sweep --out {new} --tiles=-3", "'-3' is not a tile size"),
        ("sweep --out {new} --seeds x", "'x' is not an integer"),
        ("sweep --out {new} --models ,", "--models needs at least one value"),
        ("sweep --out {new} --jobs 0", "--jobs must be at least 1"),
        ("sweep --out {new} --threads 100000", "--threads"),
        ("sweep --out {new} --lr nan", "--lr must be a positive number"),
        ("sweep --out {new} --epochs 0", "--epochs"),
        ("sweep --out {new} --patch-stride=-1", "--patch-stride"),
        ("sweep --out {new} --patch-test-limit 0", "--patch-test-limit"),
        ("sweep --out {new} --axis gamma=0.5,5", "--gamma"),
        ("sweep --out {new} --axis lr=nan", "wrong type"),
        ("sweep --out {new} --axis momentum=1e999", "wrong type"),
        ("sweep --out {new} --axis bogus=1", "not a training option"),
        ("sweep --out {new} --axis lr", "NAME=V1"),
        ("sweep --out {new} --theory nosuch", "no err(t) preset 'nosuch'"),
        ("sweep --out {new} --data synthetic:badkey=1", "badkey"),
        ("sweep --out {new} --data nosuch", "unknown dataset"),
        ("sweep --out {new} --config {notjson}", "not a sweep JSON"),
        ("sweep --out {new} --config {sweepwrong}", "not a sweep JSON"),
        ("sweep --out {new} --config {sweepnull}", "not a sweep JSON"),
        ("sweep --out {file}", "existing file"),
        ("demo --tiles 3,8 --out {new}", "accepts is 4x4"),
        ("demo --tiles 8,x --out {new}", "--tiles"),
        ("demo --tiles 8,64 --out {new}", "larger than"),
        ("demo --train-limit 0", "--train-limit"),
        ("demo --epochs 0", "--epochs"),
        ("demo --threads 100000", "--threads"),
        ("demo --model nosuch --out {new}", "unknown model"),
        ("demo --out {file}", "existing file"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsOneErrorLine(string[] args, string fragment) => AssertOneLineError(args, fragment);
}

/// <summary>The analysis commands, the labs, bench and the data and model commands.</summary>
public class AnalysisInvalidOptionTests : InvalidOptionTable
{
    private const string Eval = "eval --model smallcnn --data synthetic --test-limit 20";

    public static TheoryData<string[], string> Cases => Rows(
        ($"{Eval} --batch 0", "--batch must be at least 1"),
        ($"{Eval} --stride 0", "--stride must be at least 1"),
        ($"{Eval} --tile 0", "--tile must be at least 1"),
        ($"{Eval} --threads 100000", "--threads"),
        ("eval --model smallcnn --data synthetic --test-limit=-5", "--test-limit must be at least 1"),
        ($"{Eval} --out {{file}}", "existing file"),
        ($"{Eval} --input 3x32", "input shape"),
        ($"{Eval} --input 3x0x32", "input shape"),
        ($"{Eval} --mean 0.5 --std 0.5,0.5", "--mean has 1 values but --std has 2"),
        ($"{Eval} --mean 0.5,0.5,0.5", "go together"),
        ($"{Eval} --mean 0.5,nan,0.5 --std 1,1,1", "not a number"),
        ($"{Eval} --mean 0.5,0.5,0.5 --std 1,0,1", "--std values must be positive"),
        ($"{Eval} --classes 0", "--classes must be at least 1"),
        ($"{Eval} --antialias 9", "--antialias"),
        ($"{Eval} --stem bogus", "unknown stem"),
        ($"{Eval} --mode sideways", "sideways"),
        ($"{Eval} --save-predictions xml", "xml"),
        ($"{Eval} --device tpu", "tpu"),
        ($"{Eval} --mode both --out {{new}}", "--mode both needs --tile"),
        ($"{Eval} --mode patches --tile 3 --out {{new}}", "accepts is 4x4"),
        ($"{Eval} --mode patches --tile 64 --out {{new}}", "larger than"),
        ("eval --model resnet9 --data synthetic --test-limit 20 --mode patches --tile 4 --out {new}", "accepts is 8x8"),
        ("eval --model smallcnn --data nosuch", "unknown dataset"),
        ("eval --model resnet9 --data synthetic:image_size=6 --test-limit 5 --out {new}", "6 is too small for resnet9"),
        ("eval --model smallcnn --data synthetic:badkey=1", "badkey"),
        ("eval --model nosuch.pt --data synthetic", "not found"),
        ("heatmap --model resnet9 --data synthetic --tile 4 --test-limit 2 --out {new}", "accepts is 8x8"),
        ("heatmap --model smallcnn --data synthetic --tile 3 --test-limit 2 --out {new}", "accepts is 4x4"),
        ("heatmap --model smallcnn --data synthetic --tile 64 --test-limit 2 --out {new}", "larger than"),
        ("heatmap --model smallcnn --data synthetic --stride 0", "--stride must be at least 1"),
        ("heatmap --model smallcnn --data synthetic --test-limit 0", "must be at least 1"),
        ("heatmap --model smallcnn --data synthetic --class=-1", "--class must be at least 0"),
        ("heatmap --model smallcnn --data synthetic --target class --test-limit 2 --out {new}", "--target class needs --class"),
        ("heatmap --model smallcnn --data synthetic --threads 100000", "--threads"),
        ("heatmap --model smallcnn --data synthetic --out {file}", "existing file"),
        ("heatmap --model smallcnn --data synthetic --mode sideways", "sideways"),
        ("heatmap --model smallcnn --data synthetic --scale sideways", "sideways"),
        ("agreement --model resnet9 --data synthetic --tiles 4,8 --test-limit 5 --out {new}", "accepts is 8x8"),
        ("agreement --model smallcnn --data synthetic --tiles 8,x", "'x' is not a tile size"),
        ("agreement --model smallcnn --data synthetic --tiles 0", "'0' is not a tile size"),
        ("agreement --model smallcnn --data synthetic --tiles 64 --test-limit 5 --out {new}", "tile 64 must be in"),
        ("agreement --model smallcnn --data synthetic --stride 0", "--stride must be at least 1"),
        ("agreement --model smallcnn --data synthetic --test-limit 0", "--test-limit"),
        ("agreement --model smallcnn --data synthetic --out {file}", "existing file"),
        ("linear run --lr nan", "--lr must be a positive number"),
        ("linear run --lr 0", "--lr must be a positive number"),
        ("linear run --epsilon 0", "--epsilon must be a positive number"),
        ("linear run --epsilon Infinity", "--epsilon must be a positive number"),
        ("linear run --steps-cnn 0", "--steps-cnn"),
        ("linear run --steps-fcnn 0", "--steps-fcnn"),
        ("linear run --hidden 0", "--hidden"),
        ("linear run --kernel 0", "--kernel"),
        ("linear run --threads 100000", "--threads"),
        ("linear run --setup config", "--setup config needs --config"),
        ("linear run --setup bogus", "bogus"),
        ("linear run --out {file}", "existing file"),
        ("linear sweep-init --epsilons 1e-3,nan", "'nan' is not a positive number"),
        ("linear sweep-init --epsilons 1e-3,0", "'0' is not a positive number"),
        ("linear sweep-init --out {file}", "existing file"),
        ("theory patch --h nan", "--h must be a positive number"),
        ("theory patch --k Infinity", "--k must be a positive number"),
        ("theory patch --alpha 0", "--alpha must be a positive number"),
        ("theory patch --n=-5", "--n must be a positive number"),
        ("theory patch --step 0", "--step must be in (0, h]"),
        ("theory patch --step nan", "--step must be in (0, h]"),
        ("theory patch --step 1e-9", "larger step"),
        ("theory patch --data nosuch", "no preset 'nosuch'"),
        ("theory patch --out {file}", "existing file"),
        ("theory pooling --stride 1", "--stride must be at least 2"),
        ("theory pooling --stride-1-layers 0", "--stride-1-layers must be at least 1"),
        ("theory pooling --stride-inputs 16 --stride-layers 5 --out {new}", "nothing left to pool"),
        ("theory pooling --out {file}", "existing file"),
        ("bench --threads 100000", "--threads"),
        ("bench --batch 0", "--batch"),
        ("bench --batch 1", "--batch must be at least 2"),
        ("bench --steps 0 --no-peer", "--steps"),
        ("bench --repeats 0", "--repeats"),
        ("bench --model nosuch", "unknown model"),
        ("bench --tile 4 --no-peer", "--tile"),
        ("bench heatmap --model resnet9 --tile 4", "accepts is 8x8"),
        ("bench heatmap --tile 64", "larger than the --image side"),
        ("bench heatmap --images 0", "--images"),
        ("bench heatmap --threads 100000", "--threads"),
        ("bench heatmap --model nosuch", "unknown model"),
        ("data fetch mnist --url ftp://example.org/mnist/", "--url must be an http:// or https:// address"),
        ("data fetch mnist --url example.org/mnist", "--url must be an http:// or https:// address"),
        ("data fetch mnist --url file:///etc/passwd", "--url must be an http:// or https:// address"),
        ("data fetch cifar10 --md5 xyz", "--md5 must be 32 hexadecimal digits"),
        ("data fetch nosuch --dest {new}", "unknown dataset"),
        ("data fetch mnist --dest {file} --url http://127.0.0.1:9/", "--dest"),
        ("data inspect nosuch", "neither a known dataset"),
        ("export smallcnn --out {file}", "exists; choose another --out"),
        ("export smallcnn --out /tmp --overwrite", "is a folder"),
        ("export smallcnn --out {new}/m.pth --format onnx", "onnx"),
        ("model inspect smallcnn --input 3x0x32", "input shape"),
        ("model inspect smallcnn --antialias 9", "--antialias"),
        ("model inspect smallcnn --stem bogus", "unknown stem"),
        ("model inspect smallcnn --classes 0", "--classes must be at least 1"),
        ("model inspect nosuch", "nosuch"),
        ("report /nonexistent/run", "/nonexistent/run"),
        ("report --redraw /nonexistent/run", "/nonexistent/run"),
        ("report {file}", "results folder not found"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsOneErrorLine(string[] args, string fragment) => AssertOneLineError(args, fragment);
}
