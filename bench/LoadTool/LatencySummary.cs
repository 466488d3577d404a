using HdrHistogram;

namespace OrleansInference.LoadTool;

/// <summary>Latency percentiles of one run, in milliseconds, read from an HdrHistogram recorded in nanoseconds.</summary>
internal sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    /// <summary>The largest latency a histogram tracks, in nanoseconds (one hour); longer values are recorded as this.</summary>
    public const long HighestTrackableNs = 3_600_000_000_000;

    /// <summary>
    /// A thread-safe HdrHistogram for latencies in nanoseconds, 1 ns to <see cref="HighestTrackableNs"/> at three
    /// significant digits (every value kept to within 0.1%); recording does not allocate.
    /// </summary>
    public static LongConcurrentHistogram NewHistogram() => new(1, HighestTrackableNs, 3);

    /// <summary>The summary of <paramref name="histogram"/> (values in nanoseconds).</summary>
    public static LatencySummary Of(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }

        return new LatencySummary(
            histogram.TotalCount,
            histogram.GetMean() / 1e6,
            histogram.GetValueAtPercentile(50) / 1e6,
            histogram.GetValueAtPercentile(90) / 1e6,
            histogram.GetValueAtPercentile(99) / 1e6,
            histogram.GetValueAtPercentile(99.9) / 1e6,
            histogram.GetMaxValue() / 1e6);
    }

    /// <summary>Clamps a measured latency to what <see cref="NewHistogram"/> tracks (negative values count as zero).</summary>
    public static long Trackable(long nanoseconds) => Math.Clamp(nanoseconds, 0, HighestTrackableNs);
}
