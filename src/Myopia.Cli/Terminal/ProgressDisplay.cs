using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Myopia.Cli.Terminal;

/// <summary>
/// Progress of long work on stderr (stdout stays clean for --json): a Spectre.Console bar with
/// items/s and ETA on a terminal, plain status lines every few seconds when stderr is redirected.
/// </summary>
public sealed class ProgressDisplay
{
    private static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(System.Console.Error),
    });

    public static IAnsiConsole Ansi => Err;

    public static bool Interactive => !System.Console.IsErrorRedirected && Err.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, handing it a sink for progress updates.</summary>
    public static T Run<T>(Func<IProgressSink, T> work)
    {
        if (!Interactive)
            return work(new PlainSink());
        T result = default!;
        Err.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ItemsPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = work(new SpectreSink(ctx)));
        return result;
    }

    /// <summary>
    /// Runs an analysis with a bar per stage (a new stage starts a new bar), and a cancellation token
    /// that Ctrl-C or SIGTERM sets, so the analysis stops between batches.
    /// </summary>
    public static T Analysis<T>(Func<IProgress<Analysis.AnalysisProgress>, CancellationToken, T> work)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancellation.Cancel(); };
        System.Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; cancellation.Cancel(); });
        try
        {
            return Run(sink =>
            {
                var stages = new StageProgress(sink);
                var result = work(stages, cancellation.Token);
                stages.Finish();
                return result;
            });
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new MyopiaException("interrupted; nothing was written");
        }
        finally
        {
            System.Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Turns an analysis's stage-tagged progress into one bar per stage; reports arrive on the analysis's own thread.</summary>
    private sealed class StageProgress(IProgressSink sink) : IProgress<Analysis.AnalysisProgress>
    {
        private string? stage;

        public void Report(Analysis.AnalysisProgress value)
        {
            if (value.Stage != stage)
            {
                if (stage is not null) sink.Finish();
                sink.Start(value.Stage, value.Total);
                stage = value.Stage;
            }
            sink.Report(value.Done);
        }

        public void Finish()
        {
            if (stage is not null) sink.Finish();
        }
    }

    public static void Line(string text) => Err.MarkupLineInterpolated($"{text}");

    private sealed class SpectreSink(ProgressContext context) : IProgressSink
    {
        private ProgressTask? task;

        public void Start(string description, long total)
        {
            task?.StopTask();
            task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
        }

        public void Report(long done, string? status = null)
        {
            if (task is null) return;
            task.Value = done;
            if (status is not null) task.Description = Markup.Escape(status);
        }

        public void Finish(string? status = null)
        {
            if (task is null) return;
            if (status is not null) task.Description = Markup.Escape(status);
            task.Value = task.MaxValue;
            task.StopTask();
        }

        public void Message(string text) => Err.MarkupLineInterpolated($"{text}");
    }

    private sealed class PlainSink : IProgressSink
    {
        private readonly Stopwatch sinceLine = Stopwatch.StartNew();
        private readonly Stopwatch sinceStart = new();
        private string description = "";
        private long total, firstDone = -1;

        public void Start(string description, long total)
        {
            this.description = description;
            this.total = total;
            firstDone = -1;
            sinceStart.Restart();
            sinceLine.Restart();
        }

        public void Report(long done, string? status = null)
        {
            if (firstDone < 0) firstDone = done;
            if (sinceLine.Elapsed.TotalSeconds < 10) return;
            sinceLine.Restart();
            double rate = (done - firstDone) / Math.Max(1e-9, sinceStart.Elapsed.TotalSeconds);
            var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
            // Slow items (a 224-pixel heatmap takes half a minute) read better as seconds per item than as 0.0/s.
            var speed = rate >= 1 || rate <= 0 ? $"{rate:F1}/s" : $"{1 / rate:F1} s each";
            System.Console.Error.WriteLine($"{status ?? description}: {done}/{total} ({speed}, ETA {eta:hh\\:mm\\:ss})");
        }

        public void Finish(string? status = null) => System.Console.Error.WriteLine(status ?? $"{description}: done");

        public void Message(string text) => System.Console.Error.WriteLine(text);
    }

    /// <summary>Items per second of the task, computed by Spectre from its value history.</summary>
    private sealed class ItemsPerSecondColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup($"[grey]{task.Speed ?? 0:F1}/s[/]");
    }
}

public interface IProgressSink
{
    void Start(string description, long total);
    void Report(long done, string? status = null);
    void Finish(string? status = null);
    void Message(string text);
}
