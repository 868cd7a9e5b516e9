using System.Runtime.ExceptionServices;

namespace Myopia.Data;

/// <summary>
/// Runs a Parallel.For/ForEach so that a user-facing error raised by one item surfaces as itself
/// (one clear MyopiaException) instead of an AggregateException wrapping it.
/// </summary>
internal static class ParallelWork
{
    public static void Run(Action parallelLoop)
    {
        try
        {
            parallelLoop();
        }
        catch (AggregateException e)
        {
            var inner = e.Flatten().InnerExceptions;
            var first = inner.FirstOrDefault(x => x is MyopiaException) ?? inner[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
