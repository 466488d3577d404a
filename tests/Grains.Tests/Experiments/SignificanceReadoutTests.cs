using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Experiments.Metrics;
using OrleansInference.Grains.Experiments.Statistics;

namespace OrleansInference.Grains.Tests.Experiments;

/// <summary>The CDFs and tests against values computed by hand (closed forms, or independent numerical integration).</summary>
public sealed class SignificanceReadoutTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(-6.0, 9.865876450376946e-10)]
    public void NormalCdf_MatchesKnownValues(double x, double expected) =>
        Assert.Equal(expected, NormalDistribution.Cdf(x), 1e-12);

    [Fact]
    public void NormalTwoSidedP_At196_IsFivePercent() =>
        Assert.Equal(0.04999579029644087, NormalDistribution.TwoSidedP(1.96), 1e-12);

    [Theory]
    [InlineData(2.5)]
    [InlineData(0.3)]
    [InlineData(12.706204736174705)]
    public void StudentT_OneDegreeOfFreedom_IsCauchy(double t) =>
        Assert.Equal(1 - (2 / Math.PI * Math.Atan(t)), StudentTDistribution.TwoSidedP(t, 1), 1e-10);

    [Theory]
    [InlineData(0.7)]
    [InlineData(4.302652729749464)]
    public void StudentT_TwoDegreesOfFreedom_MatchesClosedForm(double t) =>
        Assert.Equal(1 - (t / Math.Sqrt(2 + (t * t))), StudentTDistribution.TwoSidedP(t, 2), 1e-10);

    [Fact]
    public void StudentT_TableValues()
    {
        Assert.Equal(0.05, StudentTDistribution.TwoSidedP(2.228138851986274, 10), 1e-9);
        Assert.Equal(0.07338803477074551, StudentTDistribution.TwoSidedP(2.0, 10), 1e-9);
        Assert.Equal(0.975, StudentTDistribution.Cdf(2.228138851986274, 10), 1e-9);
    }

    [Fact]
    public void TwoProportionZ_HandComputedCase()
    {
        // Baseline 50/100, variant 65/100: pooled p = 0.575, se = √(0.575·0.425·(2/100)) = 0.069911, z = 0.15/se.
        var result = SignificanceTests.TwoProportionZ(50, 100, 65, 100);

        Assert.Equal(2.1455956195564547, result.Statistic, 1e-12);
        Assert.Equal(0.03190525523659656, result.PValue, 1e-10);
        Assert.Null(result.DegreesOfFreedom);
    }

    [Fact]
    public void WelchT_HandComputedCase()
    {
        // Baseline mean 10, s² 4, n 30; variant mean 11.5, s² 9, n 25.
        var result = SignificanceTests.WelchT(10, 4, 30, 11.5, 9, 25);

        Assert.Equal(2.135605490443123, result.Statistic, 1e-12);
        Assert.Equal(40.47508602013509, result.DegreesOfFreedom!.Value, 1e-9);
        Assert.Equal(0.03881197166629047, result.PValue, 1e-8);
    }

    [Fact]
    public void Readout_ReportsAccuracyTest_AndWhetherThePlannedSampleIsReached()
    {
        var baseline = Snapshot(labelled: 100, correct: 50);
        var variant = Snapshot(labelled: 100, correct: 65);

        var early = ExperimentGrain.Compare("b", baseline, variant, plannedSampleSize: 200).Single(r => r.Metric == "accuracy");
        var planned = ExperimentGrain.Compare("b", baseline, variant, plannedSampleSize: 100).Single(r => r.Metric == "accuracy");

        Assert.Equal("two_proportion_z", early.Test);
        Assert.Equal(0.5, early.BaselineValue);
        Assert.Equal(0.65, early.VariantValue);
        Assert.Equal(2.145596, early.Statistic, 1e-6);
        Assert.Equal(0.0319052552, early.PValue, 1e-9);
        Assert.False(early.SampleSizeReached);
        Assert.False(early.Significant);
        Assert.True(planned.SampleSizeReached);
        Assert.True(planned.Significant);
    }

    [Fact]
    public void Moments_MatchTheTextbookVariance()
    {
        var moments = default(RunningMoments);
        foreach (var v in new double[] { 2, 4, 4, 4, 5, 5, 7, 9 })
        {
            moments.Add(v);
        }

        Assert.Equal(5, moments.Mean, 1e-12);
        Assert.Equal(32.0 / 7, moments.Variance, 1e-12);
    }

    private static VariantSnapshot Snapshot(long labelled, long correct) =>
        VariantSnapshot.Empty with { Labelled = labelled, Correct = correct };
}
