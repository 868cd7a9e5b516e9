using Myopia.Analysis.ShiftStudy;
using static TorchSharp.torch;

namespace Myopia.Tests.Analysis.ShiftStudy;

/// <summary>The formulas of P(change), MAC, accuracy, consistency, curves, jaggedness and worst case on hand-made outputs.</summary>
public class ShiftTallyTests
{
    [Fact]
    public void SequenceFiguresMatchTheFormulas()
    {
        // Two images, three views, six classes. Image 0: top-1 0, 0, 1; image 1: 2, 2, 2.
        float[] a = [0.6f, 0.3f, 0.02f, 0.02f, 0.03f, 0.03f];
        float[] b = [0.5f, 0.4f, 0.02f, 0.02f, 0.03f, 0.03f];
        float[] c = [0.3f, 0.6f, 0.02f, 0.02f, 0.03f, 0.03f];
        float[] d = [0.01f, 0.01f, 0.9f, 0.02f, 0.03f, 0.03f];
        float[] e = [0.01f, 0.2f, 0.7f, 0.02f, 0.03f, 0.04f];
        float[] f = [0.2f, 0.01f, 0.7f, 0.02f, 0.03f, 0.04f];
        using var p = tensor(a.Concat(b).Concat(c).Concat(d).Concat(e).Concat(f).ToArray()).view(2, 3, 6);
        using var y = tensor(new long[] { 0, 5 });
        var tally = new ShiftTally(new DiagonalSequence(2, ShiftBoundary.Circular));
        tally.Add(p, y, 10);
        var m = tally.Result("baseline", 0);
        Assert.Equal(4, m.Pairs);
        Assert.Equal(0.25, m.PChange, 9);
        // MAC on the first image's top-1: |.6-.5|, |.5-.3|, |.9-.7|, |.7-.7|
        Assert.Equal((0.1 + 0.2 + 0.2 + 0.0) / 4, m.Mac, 6);
        // accuracy on the first images of the pairs: image 0 right twice (class 0), image 1 never.
        Assert.Equal(0.5, m.Accuracy, 9);
        Assert.Equal(0.5, m.WorstCase, 9);
        // p_true curve: class 0 for image 0, class 5 for image 1.
        double[] expectedCurve = [(0.6 + 0.03) / 2, (0.5 + 0.04) / 2, (0.3 + 0.04) / 2];
        for (int t = 0; t < 3; t++) Assert.Equal(expectedCurve[t], m.PTrue[t], 6);
        Assert.Equal(new[] { 0.5, 0.5, 0.0 }, m.Correct);
        // Image 0's class 0 never leaves the top 5; image 1's class 5 ties class 4 at view 0, so only bound it.
        Assert.InRange(m.Jaggedness!.Value, 0, 1);
        Assert.Equal(new long[] { 10, 11 }, m.RowImages);
        Assert.Equal(0.6f, m.Rows[0][0]);
    }

    [Fact]
    public void JaggednessCountsEntriesAndExitsOfTheTopFive()
    {
        // Seven classes, label 6: in the top 5 at views 0 and 2, out at 1 and 3: three steps.
        float[] inTop = [0.1f, 0.1f, 0.1f, 0.1f, 0.05f, 0.01f, 0.54f];
        float[] outTop = [0.2f, 0.2f, 0.2f, 0.2f, 0.15f, 0.04f, 0.01f];
        using var p = tensor(inTop.Concat(outTop).Concat(inTop).Concat(outTop).ToArray()).view(1, 4, 7);
        var tally = new ShiftTally(new DiagonalSequence(3, ShiftBoundary.Circular));
        tally.Add(p, tensor(new long[] { 6 }));
        Assert.Equal(3.0, tally.Result("baseline", 0).Jaggedness);
    }

    [Fact]
    public void PairsGiveConsistencyAndGridsTheWorstCase()
    {
        float[] zero = [0.9f, 0.1f], one = [0.2f, 0.8f];
        // Image 0: pairs (0,0), (0,1); image 1: pairs (1,1), (1,1).
        using var p = tensor(zero.Concat(zero).Concat(zero).Concat(one).Concat(one).Concat(one).Concat(one).Concat(one).ToArray()).view(2, 4, 2);
        using var y = tensor(new long[] { 0, 0 });
        var pairs = new ShiftTally(new OffsetCondition(ConditionKind.Pairs, 0, 3, ShiftBoundary.Circular, 1, PairsPerImage: 2));
        pairs.Add(p, y);
        var m = pairs.Result("baseline", 0);
        Assert.Equal(0.75, m.Consistency!.Value, 9);
        Assert.Equal(0.25, m.PChange, 9);
        Assert.Equal(0.5, m.Accuracy, 9);
        var grid = new ShiftTally(new OffsetCondition(ConditionKind.Grid, 0, 1, ShiftBoundary.Circular, 1));
        grid.Add(p, y);
        var g = grid.Result("baseline", 0);
        Assert.Equal(0.5, g.WorstCase, 9);
        Assert.True(double.IsNaN(g.PChange));
    }
}
