using Myopia.Reporting;

namespace Myopia.Tests.Reporting;

public class SweepConclusionTests
{
    private static SeedAccuracy Seeds(int images, params double[] accuracies) =>
        SeedAccuracy.From(accuracies.Select(a => (a, (int?)images)).ToList());

    [Fact]
    public void OneSeedHasNoStandardDeviation()
    {
        Assert.Null(Seeds(1000, 0.5).Std);
        Assert.Equal(Math.Sqrt(0.02), Seeds(1000, 0.4, 0.6).Std!.Value, 1e-12);
    }

    [Fact]
    public void TheIntervalSpansEverySeedsExactInterval()
    {
        var a = Seeds(100, 0.3, 0.5);
        Assert.Equal(Myopia.Statistics.ClopperPearson.Interval(30, 100).Lower, a.Lower);
        Assert.Equal(Myopia.Statistics.ClopperPearson.Interval(50, 100).Upper, a.Upper);
    }

    [Fact]
    public void OverlappingIntervalsAreWithinNoiseAndDisjointOnesAreRanked()
    {
        Assert.Contains("within noise", SweepConclusion.Compare("T = 8", Seeds(200, 0.50), "full", Seeds(200, 0.55)));
        Assert.Contains("T = 8 beats full", SweepConclusion.Compare("T = 8", Seeds(10000, 0.60), "full", Seeds(10000, 0.50)));
        Assert.Contains("stays below", SweepConclusion.Compare("T = 8", Seeds(10000, 0.40), "full", Seeds(10000, 0.50)));
    }

    [Fact]
    public void NumbersOnDifferentImagesAreNotCompared()
    {
        var text = SweepConclusion.Compare("mode B", Seeds(200, 0.9), "full", Seeds(1000, 0.5));
        Assert.Contains("not compared", text);
        Assert.DoesNotContain("beats", text);
        var cells = new List<SweepCellEvidence>
        {
            new("net", 8, Seeds(1000, 0.5), Seeds(200, 0.9)),
            new("net", 0, Seeds(1000, 0.5), null),
        };
        var conclusion = SweepConclusion.For("net", cells);
        Assert.Contains("not compared, as they are not the same images", conclusion);
        Assert.Contains("do not include seed-to-seed variation", conclusion);
    }
}
