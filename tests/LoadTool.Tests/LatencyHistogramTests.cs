namespace OrleansInference.LoadTool.Tests;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(2_047L)]
    [InlineData(2_048L)]
    [InlineData(123_456L)]
    [InlineData(50_000_000L)]
    [InlineData(999_999_999_999L)]
    public void Every_value_lands_in_a_bucket_whose_upper_edge_is_within_one_thousandth(long value)
    {
        var edge = LatencyHistogram.UpperEdge(LatencyHistogram.IndexOf(value));

        Assert.True(edge >= value, $"Upper edge {edge} is below the value {value}.");
        Assert.True(edge - value <= Math.Max(0, value / 1000), $"Upper edge {edge} is more than 0.1% above the value {value}.");
    }

    [Fact]
    public void Percentiles_of_a_uniform_sequence_match_the_exact_ranks()
    {
        var histogram = new LatencyHistogram();
        for (long microseconds = 1; microseconds <= 10_000; microseconds++)
        {
            histogram.Record(microseconds * 1_000);
        }

        Assert.Equal(10_000, histogram.Count);
        AssertClose(5_000_000, histogram.ValueAtPercentile(50));
        AssertClose(9_900_000, histogram.ValueAtPercentile(99));
        AssertClose(9_990_000, histogram.ValueAtPercentile(99.9));
        Assert.Equal(10_000_000, histogram.MaxNs);
        Assert.Equal(5_000_500, histogram.MeanNs, precision: 0);
    }

    [Fact]
    public void Added_histograms_count_every_value_of_both()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(1_000);
        b.Record(3_000_000);
        b.Record(3_000_000);

        a.Add(b);

        Assert.Equal(3, a.Count);
        Assert.Equal(3_000_000, a.MaxNs);
        AssertClose(3_000_000, a.ValueAtPercentile(50));
    }

    private static void AssertClose(long expected, long actual) =>
        Assert.True(Math.Abs(actual - expected) <= expected / 1000, $"Expected {expected} ns within 0.1%, got {actual} ns.");
}
