using Myopia.Analysis.TileStudy;

namespace Myopia.Tests.Analysis.TileStudy;

public class EvidenceLocalizationTests
{
    [Fact]
    public void EvenTileOfAPixelHoldsTheBoxExactlyWhereTheStudysPaddingPutsIt()
    {
        // T = 4 pads 2 before: the tile of pixel (i, j) spans rows i-2 .. i+1. A 2x2 box at (3, 5)
        // (rows 3-4, columns 5-6) is inside for i in 3..5 and j in 5..7.
        var inside = EvidenceLocalizer.TilesContaining(10, 10, 4, [new ObjectBox(3, 5, 2)]);
        var rows = Enumerable.Range(0, 100).Where(p => inside[p]).Select(p => p / 10).Distinct().ToArray();
        var cols = Enumerable.Range(0, 100).Where(p => inside[p]).Select(p => p % 10).Distinct().Order().ToArray();
        Assert.Equal([3, 4, 5], rows);
        Assert.Equal([5, 6, 7], cols);
        Assert.Equal(9, inside.Count(b => b));
    }

    [Fact]
    public void OddTileIsCentredAndBoxesAtTheBorderAreClipped()
    {
        // T = 3 pads 1 on each side: pixel i spans i-1 .. i+1; a 1x1 box at (0, 0) is held by i, j in 0..1.
        var inside = EvidenceLocalizer.TilesContaining(5, 5, 3, [new ObjectBox(0, 0, 1)]);
        Assert.Equal([0, 1, 5, 6], Enumerable.Range(0, 25).Where(p => inside[p]).ToArray());
        // A box larger than the tile is never held.
        Assert.DoesNotContain(true, EvidenceLocalizer.TilesContaining(5, 5, 3, [new ObjectBox(1, 1, 4)]));
    }

    [Fact]
    public void MeasureSeparatesProbabilityOnAndOffTheObjects()
    {
        // 4x4 image, T = 2 (pads 1 before): a 1x1 box at (1, 1) is held by pixels (1..2, 1..2).
        var probability = new float[16];
        for (int p = 0; p < 16; p++) probability[p] = 0.1f;
        foreach (var p in new[] { 5, 6, 9, 10 }) probability[p] = 0.9f;
        var map = new ImageHeatmap(0, 0, 0, 0, 4, 4, new float[16], new float[16], probability, new float[16], new int[16]);
        var r = EvidenceLocalizer.Measure([map], [[new ObjectBox(1, 1, 1)]], 2);
        Assert.Equal(0.9, r.MeanProbabilityOnObjects, 5);
        Assert.Equal(0.1, r.MeanProbabilityElsewhere, 5);
        Assert.Equal(0.25, r.ShareOfPixelsOnObjects, 5);
    }
}
