using Myopia.Statistics;

namespace Myopia.Tests.Statistics;

public class ClopperPearsonTests
{
    // Reference values from R: binom.test(k, n)$conf.int (exact Clopper–Pearson, 95%).
    [Theory]
    [InlineData(3, 10, 0.06673951117773, 0.65245285240683)]
    [InlineData(50, 100, 0.39832112950330, 0.60167887049670)]
    [InlineData(0, 10, 0.0, 0.30849710781876)]
    [InlineData(10, 10, 0.69150289218124, 1.0)]
    public void BoundsEqualTheExactBinomialInterval(int k, int n, double lower, double upper)
    {
        var ci = ClopperPearson.Interval(k, n);
        Assert.Equal(lower, ci.Lower, 1e-7);
        Assert.Equal(upper, ci.Upper, 1e-7);
        Assert.InRange(ci.Estimate, ci.Lower, ci.Upper);
    }

    [Fact]
    public void ZeroSuccessesGiveTheClosedFormUpperBound()
    {
        // With no success the upper bound solves (1 - p)^n = α/2.
        var ci = ClopperPearson.Interval(0, 37);
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 37), ci.Upper, 1e-10);
    }

    [Fact]
    public void NotAProportionIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Interval(11, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.Interval(1, 10, level: 1));
    }

    [Fact]
    public void IncompleteBetaMatchesItsClosedForms()
    {
        // I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a.
        Assert.Equal(1 - Math.Pow(0.7, 5), IncompleteBeta.Regularized(1, 5, 0.3), 1e-12);
        Assert.Equal(Math.Pow(0.3, 4), IncompleteBeta.Regularized(4, 1, 0.3), 1e-12);
        Assert.Equal(0.3, IncompleteBeta.Inverse(2, 3, IncompleteBeta.Regularized(2, 3, 0.3)), 1e-10);
    }
}
