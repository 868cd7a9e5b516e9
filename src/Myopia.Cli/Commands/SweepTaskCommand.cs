using System.CommandLine;
using Myopia.Cli.Slurm;
using Myopia.Data;
using Myopia.Experiments;
using Myopia.IO;

namespace Myopia.Cli.Commands;

/// <summary>
/// <c>myopia sweep-task</c> (hidden): what one array task of <c>sweep --executor slurm</c> runs. It
/// trains run number --index of the sweep in --out exactly as the local executor's child does
/// (<c>myopia train --config RUN/sweep-config.json --out RUN --resume</c>: a new run, or the rest of an
/// interrupted one), then computes the run's mode B there, on the cluster, for the sweep to collect.
/// On USR2 (Slurm's warning before the time limit, or a preemption under PreemptParameters=send_user_signal)
/// it checkpoints and requeues its task; on SIGTERM (scancel, a preemption) it checkpoints and exits.
/// </summary>
public static class SweepTaskCommand
{
    public static Command Create()
    {
        var output = CommonOptions.Out();
        output.Description = "the sweep folder (holding sweep.json)";
        output.Required = true;
        var index = new Option<int>("--index") { Description = "the run's position in the sweep (sweep.json's order)", Required = true }.AtLeast(0);
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var command = new Command("sweep-task", "Train one run of a sweep, by its index (what each Slurm array task runs).")
        {
            output, index, threads, device,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var sweepDir = Path.GetFullPath(parse.GetValue(output)!);
            var specPath = Path.Combine(sweepDir, SweepRunner.SpecFile);
            if (!File.Exists(specPath)) throw new MyopiaException($"{sweepDir} holds no sweep ({SweepRunner.SpecFile} not found)");
            var spec = JsonOutput.Deserialize<SweepSpec>(File.ReadAllText(specPath));
            var points = spec.Points().ToList();
            int i = parse.GetValue(index);
            if (i >= points.Count) throw new MyopiaException($"--index {i}: the sweep in {sweepDir} has {points.Count} runs");
            var point = points[i];
            var runner = new SweepRunner(spec, sweepDir)
            {
                Log = m => Console.Error.WriteLine(m),
                PatchEvaluator = (classifier, test, tile) => PatchEvaluation.Run(classifier, test, tile, spec.PatchStride, 256),
            };
            var runDir = runner.RunDir(point);
            int code = 0;
            if (!SweepRunner.IsFinished(runDir, point.Options))
            {
                Directory.CreateDirectory(runDir);
                var config = Path.Combine(runDir, "sweep-config.json");
                JsonOutput.WriteFile(config, point.Options);
                code = CliRunner.Run(CommandCatalog.Root(),
                    ["train", "--config", config, "--out", runDir, "--threads", parse.GetValue(threads).ToString(), "--device", parse.GetValue(device)!, "--resume"]);
            }
            if (code == Terminal.StopSignals.Usr2ExitCode && Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { } job
                && Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") is { } task)
            {
                Console.Error.WriteLine($"progress saved; requeueing slurm task {job}_{task} to continue from the checkpoint");
                new SlurmClient().Requeue($"{job}_{task}");
                return code;
            }
            if (code != 0) return code;
            runner.EvaluatePatches(point, o => DataLoading.Load(o.Data, o.DataDir, o.TrainLimit, o.TestLimit));
            return 0;
        });
        return command;
    }
}
