namespace OrleansInference.LoadTool.Tests;

public sealed class LatencySummaryTests
{
    [Fact]
    public void Percentiles_of_a_uniform_sequence_match_the_exact_ranks_within_a_thousandth()
    {
        var histogram = LatencySummary.NewHistogram();
        for (long microseconds = 1; microseconds <= 10_000; microseconds++)
        {
            histogram.RecordValue(microseconds * 1_000);
        }

        var summary = LatencySummary.Of(histogram);

        Assert.Equal(10_000, summary.Count);
        AssertClose(5.0, summary.P50Ms);
        AssertClose(9.0, summary.P90Ms);
        AssertClose(9.9, summary.P99Ms);
        AssertClose(9.99, summary.P999Ms);
        AssertClose(10.0, summary.MaxMs);
        AssertClose(5.0005, summary.MeanMs);
    }

    [Fact]
    public void An_empty_histogram_summarises_as_zeros()
    {
        var summary = LatencySummary.Of(LatencySummary.NewHistogram());

        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0), summary);
    }

    [Fact]
    public void Values_outside_the_tracked_range_are_clamped_instead_of_throwing()
    {
        var histogram = LatencySummary.NewHistogram();

        histogram.RecordValue(LatencySummary.Trackable(-5));
        histogram.RecordValue(LatencySummary.Trackable(long.MaxValue));

        Assert.Equal(2, histogram.TotalCount);
        var maxMs = LatencySummary.Of(histogram).MaxMs;
        Assert.True(maxMs >= LatencySummary.HighestTrackableNs / 1e6 * 0.99, $"max {maxMs} ms should be the tracked limit, an hour");
    }

    [Fact]
    public void A_stall_at_a_fixed_rate_is_charged_to_the_runs_it_delayed()
    {
        // One run per millisecond; one run of 100 ms delayed the 99 behind it. Corrected, they appear as the latencies
        // they would have seen (99 ms, 98 ms, ... 1 ms), so the p99 reflects the stall instead of hiding it.
        var histogram = LatencySummary.NewHistogram();
        for (var i = 0; i < 1_000; i++)
        {
            histogram.RecordValueWithExpectedInterval(100_000, 1_000_000);
        }

        histogram.RecordValueWithExpectedInterval(100_000_000, 1_000_000);

        var summary = LatencySummary.Of(histogram);
        Assert.Equal(1_100, summary.Count);
        Assert.True(summary.P99Ms > 50, $"p99 {summary.P99Ms} ms should include the runs queued behind the stall");
        AssertClose(100, summary.MaxMs);
    }

    private static void AssertClose(double expectedMs, double actualMs) =>
        Assert.True(Math.Abs(actualMs - expectedMs) <= expectedMs / 1000, $"Expected {expectedMs} ms within 0.1%, got {actualMs} ms.");
}
